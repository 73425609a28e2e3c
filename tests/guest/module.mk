# tests/guest: host-side TAP programs for ktstr-init's pure parts (command
# line and /args parsing, worker statistics, topology comparison, kmsg
# parsing) and its work types (real forked workers on the host, no
# cgroups).  Everything in vmm/guest but main.c is linked in directly (as
# objects, so every work type's registration section is kept).
GUEST_TEST_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(filter-out vmm/guest/main.c,$(wildcard vmm/guest/*.c)))
$(eval $(call ktstr_tests,tests/guest,$(GUEST_TEST_OBJS)))
$(foreach t,$(tests/guest_TSRCS),\
	$(eval $(TESTBIN)/$(patsubst tests/%,%,$(basename $(t))).t: $(GUEST_TEST_OBJS)))
$(OBJ)/tests/guest/%.o: CFLAGS += -Ivmm/guest

# Test helper (not a test): plays the VMM's part of the shared ring for boot.t.
$(TESTBIN)/guest/shmring: $(OBJ)/tests/guest/helpers/shmring.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) -lz
all: $(TESTBIN)/guest/shmring
