# tests/vmm: unit tests link the VMM's pieces (libktstr-vmm.a, built by
# vmm/module.mk, which is included after this file, hence the repeat).
VMM_LIB := $(LIBDIR)/libktstr-vmm.a
$(eval $(call ktstr_tests,tests/vmm,$(VMM_LIB)))
$(patsubst tests/%.c,$(TESTBIN)/%.t,$(wildcard tests/vmm/*.c)): $(VMM_LIB)

# A tiny static PID 1 for the real-VM tests (not a TAP program: lives in
# tests/vmm/guest/).  Built without sanitizers: it runs inside the guest.
VMM_TESTINIT := $(TESTBIN)/vmm/testinit
$(VMM_TESTINIT): tests/vmm/guest/testinit.c shared/gring.c shared/frame.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Ishared/include -static -o $@ $^ -lz
all: $(VMM_TESTINIT)
