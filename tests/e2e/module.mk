# End-to-end fixtures: small guest-side programs the e2e scripts boot.
E2E_FIXTURES := $(TESTBIN)/e2e/fixtures/sched-exit-on-start
$(TESTBIN)/e2e/fixtures/%: tests/e2e/fixtures/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -static -o $@ $<
all: $(E2E_FIXTURES)
