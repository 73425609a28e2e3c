# tests/fuzz: libFuzzer targets for everything the guest can hand the host
# (frame streams, ring images, snapshot requests).  Built with clang and
# their own flags, only by `make fuzz` (never part of `all`):
#   make fuzz FUZZ_SECONDS=300          # every target, 5 minutes each
#   build/fuzz/frame_iter -runs=100000   # one target by hand
# Seeds in tests/fuzz/corpus/<name>/ are copied into the working corpus
# $(BUILD)/fuzz-corpus/<name>/ when the target is built.
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Ishared/include -Wall -Wextra -Werror \
	-Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# Library sources the targets exercise (compiled into each target with
# the fuzzing instrumentation; the rest of libktstr is not needed).
FUZZ_LIB_SRCS := shared/frame.c shared/gring.c shared/snapshot.c shared/utf8.c shared/json.c

define ktstr_fuzzer
$$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $$(FUZZ_LIB_SRCS) $$(wildcard shared/include/ktstr/*.h)
	@mkdir -p $$(@D) $$(BUILD)/fuzz-corpus/$(1)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/$(1).c $$(FUZZ_LIB_SRCS) -lz
	$$(if $$(wildcard tests/fuzz/corpus/$(1)/*),cp -n tests/fuzz/corpus/$(1)/* $$(BUILD)/fuzz-corpus/$(1)/ 2>/dev/null || true)
FUZZERS += $$(BUILD)/fuzz/$(1)
endef
$(foreach f,frame_iter frame_dec gring_drain snapshot_req,$(eval $(call ktstr_fuzzer,$(f))))
