# libFuzzer target for ktstr-report's handling of guest frames (record +
# verdict).  Built only by `make fuzz` (clang):
#   build/fuzz/report_frames -runs=100000
REPORT_FUZZ_SRCS := tools/report/record.c tools/report/judge.c shared/frame.c \
	$(wildcard shared/scenario*.c) shared/cpuset.c shared/topology.c $(wildcard shared/verdict*.c)
$(BUILD)/fuzz/report_frames: tests/fuzz-report/report_frames.c $(REPORT_FUZZ_SRCS) \
		$(wildcard tools/report/*.h shared/include/ktstr/*.h)
	@mkdir -p $(@D) $(BUILD)/fuzz-corpus/report_frames
	$(or $(FUZZ_CC),clang) -g -O1 -std=gnu11 -D_GNU_SOURCE -Ishared/include -Itools/report \
	  -Wall -Wextra -Werror -Wno-unused-parameter -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -fno-omit-frame-pointer -o $@ $< $(REPORT_FUZZ_SRCS) -lz
	cp -n tests/fuzz-report/corpus/* $(BUILD)/fuzz-corpus/report_frames/ 2>/dev/null || true
FUZZERS += $(BUILD)/fuzz/report_frames
