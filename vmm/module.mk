# ktstr-vmm: owns one VM (guest RAM, rings, backend process, outcome).
# vmm/guest/ (ktstr-init) registers itself in its own module.mk.
#
# Everything but main.c also goes into libktstr-vmm.a so tests/vmm can
# unit-test the pieces (topology mapping, QMP parsing, kernel checks...).
VMM_LIB := $(LIBDIR)/libktstr-vmm.a
VMM_LIB_SRCS := $(filter-out vmm/main.c,$(wildcard vmm/*.c))
VMM_LIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(VMM_LIB_SRCS))
$(VMM_LIB): $(VMM_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(eval $(call ktstr_prog,ktstr-vmm,vmm,$(HOST_LIBS)))
