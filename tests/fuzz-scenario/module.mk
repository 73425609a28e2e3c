# libFuzzer target for the scenario parser, cohorts, overrides and the
# verdict (guest-facing text from users and files).  Built only by
# `make fuzz` (clang); seeds are the catalog scenarios.
#   build/fuzz/scenario_parse -runs=100000
SCENARIO_FUZZ_SRCS := $(wildcard shared/scenario*.c) shared/cpuset.c shared/topology.c \
	$(wildcard shared/verdict*.c)
$(BUILD)/fuzz/scenario_parse: tests/fuzz-scenario/scenario_parse.c $(SCENARIO_FUZZ_SRCS) \
		$(wildcard shared/*.h shared/include/ktstr/*.h)
	@mkdir -p $(@D) $(BUILD)/fuzz-corpus/scenario_parse
	$(or $(FUZZ_CC),clang) -g -O1 -std=gnu11 -D_GNU_SOURCE -Ishared/include -Wall -Wextra -Werror \
	  -Wno-unused-parameter -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -fno-omit-frame-pointer -o $@ $< $(SCENARIO_FUZZ_SRCS)
	cp -n scenarios/*.ktstr $(BUILD)/fuzz-corpus/scenario_parse/ 2>/dev/null || true
FUZZERS += $(BUILD)/fuzz/scenario_parse
