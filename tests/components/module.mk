# tests/components: symtab/BTF/KVA helpers, coordinator watch logic, monitor
# verdict + sampling logic.  The pure parts of coordinator/ and monitor/ are
# linked in directly (everything but their main.c).
COMPONENTS_TEST_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(filter-out %/main.c,\
	$(wildcard coordinator/*.c monitor/*.c symsvc/*.c)))
$(eval $(call ktstr_tests,tests/components,$(COMPONENTS_TEST_OBJS) $(LIB)))
$(foreach t,$(tests/components_TSRCS),\
	$(eval $(TESTBIN)/$(patsubst tests/%,%,$(basename $(t))).t: $(COMPONENTS_TEST_OBJS)))

# Fixture ELF with known symbols, built at test time without sanitizers
# (it is data, never run).  Tests find it beside their own binary.
COMPONENTS_FIX_DIR := $(TESTBIN)/components
$(COMPONENTS_FIX_DIR)/symfix_%.o: tests/components/fixtures/symfix_%.c
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<
$(COMPONENTS_FIX_DIR)/symfix.o: $(COMPONENTS_FIX_DIR)/symfix_a.o $(COMPONENTS_FIX_DIR)/symfix_b.o
	$(CC) -r -nostdlib -o $@ $^
$(COMPONENTS_FIX_DIR)/symtab.t: $(COMPONENTS_FIX_DIR)/symfix.o

# BTF fixture: DWARF -> .BTF with pahole (absent pahole: the object has no
# .BTF and btfoff.t skips those cases, saying so).
$(COMPONENTS_FIX_DIR)/btffix.o: tests/components/fixtures/btffix.c tests/components/btffix.h
	@mkdir -p $(@D)
	$(CC) -g -c -o $@ $<
	if command -v pahole >/dev/null; then pahole -J $@; fi
$(COMPONENTS_FIX_DIR)/btfoff.t: $(COMPONENTS_FIX_DIR)/btffix.o
$(COMPONENTS_FIX_DIR)/symfix-nosym.o: $(COMPONENTS_FIX_DIR)/symfix_b.o
	strip --strip-all -o $@ $<
$(COMPONENTS_FIX_DIR)/symtab.t: $(COMPONENTS_FIX_DIR)/symfix-nosym.o
