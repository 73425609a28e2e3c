# Tests of the initramfs builder (cpio writer/reader, ELF closure, CLI, boot).
$(eval $(call ktstr_tests,tests/initramfs))

# Fixtures: small ELF programs and libraries with known DT_NEEDED,
# DT_RPATH and DT_RUNPATH, plus a static /init for the boot test. They
# are inputs, not code under test: built without sanitizers.
IRF     := $(TESTBIN)/initramfs/fixtures
IRF_SRC := tests/initramfs/fixtures
IRF_CC   = $(CC) -O1 -w
IR_FIXTURES := $(IRF)/sub/libktfix2.so.1 $(IRF)/libktfix.so.1 $(IRF)/libktchain.so.1 \
	$(IRF)/needs_norpath $(IRF)/needs_runpath $(IRF)/needs_rpath \
	$(IRF)/needs_chain_rpath $(IRF)/needs_chain_runpath $(IRF)/dynz $(IRF)/tinit

$(IRF)/sub/libktfix2.so.1: $(IRF_SRC)/ktfix2.c
	@mkdir -p $(@D)
	$(IRF_CC) -shared -fPIC -Wl,-soname,libktfix2.so.1 -o $@ $<
$(IRF)/libktfix.so.1: $(IRF_SRC)/ktfix.c $(IRF)/sub/libktfix2.so.1
	$(IRF_CC) -shared -fPIC -Wl,-soname,libktfix.so.1 -Wl,--enable-new-dtags \
	  -Wl,-rpath,'$$ORIGIN/sub' -o $@ $< $(IRF)/sub/libktfix2.so.1
$(IRF)/libktchain.so.1: $(IRF_SRC)/ktchain.c $(IRF)/sub/libktfix2.so.1
	$(IRF_CC) -shared -fPIC -Wl,-soname,libktchain.so.1 -o $@ $< $(IRF)/sub/libktfix2.so.1
$(IRF)/needs_norpath: $(IRF_SRC)/needs.c $(IRF)/libktfix.so.1
	$(IRF_CC) -DKTFIX_FN=ktfix -o $@ $< $(IRF)/libktfix.so.1 -Wl,-rpath-link,$(IRF)/sub
$(IRF)/needs_runpath: $(IRF_SRC)/needs.c $(IRF)/libktfix.so.1
	$(IRF_CC) -DKTFIX_FN=ktfix -Wl,--enable-new-dtags -Wl,-rpath,'$$ORIGIN' -o $@ $< \
	  $(IRF)/libktfix.so.1 -Wl,-rpath-link,$(IRF)/sub
$(IRF)/needs_rpath: $(IRF_SRC)/needs.c $(IRF)/libktfix.so.1
	$(IRF_CC) -DKTFIX_FN=ktfix -Wl,--disable-new-dtags -Wl,-rpath,'$$ORIGIN' -o $@ $< \
	  $(IRF)/libktfix.so.1 -Wl,-rpath-link,$(IRF)/sub
$(IRF)/needs_chain_rpath: $(IRF_SRC)/needs.c $(IRF)/libktchain.so.1
	$(IRF_CC) -DKTFIX_FN=ktchain -Wl,--disable-new-dtags -Wl,-rpath,'$$ORIGIN:$$ORIGIN/sub' \
	  -o $@ $< $(IRF)/libktchain.so.1 -Wl,-rpath-link,$(IRF)/sub
$(IRF)/needs_chain_runpath: $(IRF_SRC)/needs.c $(IRF)/libktchain.so.1
	$(IRF_CC) -DKTFIX_FN=ktchain -Wl,--enable-new-dtags -Wl,-rpath,'$$ORIGIN:$$ORIGIN/sub' \
	  -o $@ $< $(IRF)/libktchain.so.1 -Wl,-rpath-link,$(IRF)/sub
$(IRF)/dynz: $(IRF_SRC)/dynz.c
	@mkdir -p $(@D)
	$(IRF_CC) -o $@ $< -lz
$(IRF)/tinit: $(IRF_SRC)/tinit.c
	@mkdir -p $(@D)
	$(IRF_CC) -static -o $@ $<

# Every test of this directory may use the fixtures (scripts via `make check`).
$(patsubst tests/initramfs/%.c,$(TESTBIN)/initramfs/%.t,$(wildcard tests/initramfs/*.c)): | $(IR_FIXTURES)
all: $(IR_FIXTURES)

# libFuzzer target for the cpio reader / gzip loader (needs clang). `make fuzz`
# runs $(FUZZERS); until the top-level Makefile sets FUZZERS before including
# module.mk files, run it with `make fuzz-cpio`.
IR_FUZZ := $(BUILD)/fuzz/cpio_parse
$(IR_FUZZ): tests/initramfs/fuzz/cpio_fuzz.c shared/cpio_parse.c shared/include/ktstr/cpio.h
	@mkdir -p $(@D)
	clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Ishared/include -fsanitize=fuzzer,address,undefined \
	  -o $@ tests/initramfs/fuzz/cpio_fuzz.c shared/cpio_parse.c -lz
FUZZERS += $(IR_FUZZ)
fuzz-cpio: $(IR_FUZZ)
	mkdir -p $(BUILD)/fuzz-corpus/cpio_parse
	$(IR_FUZZ) -max_total_time=$(or $(FUZZ_SECONDS),60) -print_final_stats=1 $(BUILD)/fuzz-corpus/cpio_parse
.PHONY: fuzz-cpio
