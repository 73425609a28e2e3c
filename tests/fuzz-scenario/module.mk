# libFuzzer target for the scenario parser and verdict: `make fuzz` (needs
# clang) or `make fuzz-scenario`.  Own rule because the top-level FUZZERS
# list is reset after the module.mk files are read.
FUZZ_CC ?= clang
SCENARIO_FUZZ := $(BUILD)/fuzz/scenario_parse
$(SCENARIO_FUZZ): tests/fuzz-scenario/scenario_parse.c $(wildcard shared/*.c shared/*.h shared/include/ktstr/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 -g -O1 -D_GNU_SOURCE -Ishared/include -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(wildcard shared/scenario*.c shared/cpuset.c shared/topology.c shared/verdict*.c)
fuzz-scenario: $(SCENARIO_FUZZ)
	mkdir -p $(BUILD)/fuzz-corpus/scenario_parse
	cp -n scenarios/*.ktstr $(BUILD)/fuzz-corpus/scenario_parse/ 2>/dev/null || true
	$(SCENARIO_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
	  $(BUILD)/fuzz-corpus/scenario_parse
fuzz: fuzz-scenario
.PHONY: fuzz-scenario
