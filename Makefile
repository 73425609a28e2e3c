# ktstr — top-level, non-recursive build.
#
# Every component directory carries a module.mk that registers its
# programs and tests with the templates below, so adding a component
# (or a later backend) never means editing this file.
#
#   make setup           install Debian packages and build the cached kernel (idempotent)
#   make run             setup + build + one real scheduler test in a VM
#   make                 build everything into build/
#   make check           build, then run the TAP suite with prove
#   make check SANITIZE=1  same, under ASan+UBSan (objects in build-san/)
#   make bench           benchmarks (tables with ratios against a peer)
#   make fuzz            run the libFuzzer targets for guest-supplied data
#   make install PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
ifeq ($(origin CC),default)
CC      := cc
endif

ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
SANFLAGS :=
endif

BIN     := $(BUILD)/bin
OBJ     := $(BUILD)/obj
LIBDIR  := $(BUILD)/lib
TESTBIN := $(BUILD)/tests
LIB     := $(LIBDIR)/libktstr.a

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) -D_GNU_SOURCE -Ishared/include $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
# Libraries every host program may use; static archives only pull what is referenced.
HOST_LIBS := -luring -lbpf -lelf -lz -lpthread

BINS    :=
TESTS   :=
SCRIPTS :=
# module.mk files append to these two as well: define them before the includes
BENCHES :=
FUZZERS :=

all:

# $(call ktstr_prog,NAME,SRCDIR,EXTRA_LDLIBS,EXTRA_LDFLAGS)
# Builds $(BIN)/NAME from SRCDIR/*.c linked against libktstr.a.
define ktstr_prog
$(1)_SRCS := $$(wildcard $(2)/*.c)
$(1)_OBJS := $$(patsubst %.c,$$(OBJ)/%.o,$$($(1)_SRCS))
ifneq ($$($(1)_SRCS),)
$$(BIN)/$(1): $$($(1)_OBJS) $$(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) $(4) -o $$@ $$($(1)_OBJS) $$(LIB) $(3)
BINS += $$(BIN)/$(1)
endif
endef

# $(call ktstr_tests,SRCDIR,EXTRA_LDLIBS)
# Every tests/AREA/NAME.c becomes the TAP program $(TESTBIN)/AREA/NAME.t.
# EXTRA_LDLIBS (e.g. a tool's private archive) link before libktstr.a.
define ktstr_tests
$(1)_TSRCS := $$(wildcard $(1)/*.c)
$$(foreach t,$$($(1)_TSRCS),$$(eval $$(call ktstr_test1,$$(t),$(2))))
endef
define ktstr_test1
$$(TESTBIN)/$$(patsubst tests/%,%,$$(basename $(1))).t: $$(OBJ)/$$(basename $(1)).o $$(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(2) $$(LIB) $$(HOST_LIBS)
TESTS += $$(TESTBIN)/$$(patsubst tests/%,%,$$(basename $(1))).t
endef

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

LIB_SRCS := $(wildcard shared/*.c)
LIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(LIB_SRCS))
$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# Components first, then tests/: a test's module.mk may name what it tests.
include $(sort $(filter-out tests/%,$(wildcard */module.mk */*/module.mk)))
include $(sort $(wildcard tests/*/module.mk))

all: $(LIB) $(BINS) $(TESTS)

# The suite: compiled TAP programs from build/, script tests from tests/.
# KTSTR_BUILD/KTSTR_SRC tell tests where binaries and fixtures live.
PROVE ?= prove
PROVE_FLAGS ?=
check: all
	KTSTR_BUILD=$(abspath $(BUILD)) KTSTR_SRC=$(CURDIR) SANITIZE=$(SANITIZE) \
	  $(PROVE) $(PROVE_FLAGS) -e '' -r $(TESTBIN) $(wildcard tests/*/*.t tests/*.t)

bench: all $(BENCHES)
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

FUZZ_SECONDS ?= 60
fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do echo "== $$f ($(FUZZ_SECONDS)s)"; \
	  mkdir -p $(BUILD)/fuzz-corpus/$$(basename $$f); \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/fuzz-corpus/$$(basename $$f)- $(BUILD)/fuzz-corpus/$$(basename $$f) || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/ktstr $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/libexec/ktstr/
	$(if $(SCRIPTS),install -m 0755 $(SCRIPTS) $(DESTDIR)$(PREFIX)/libexec/ktstr/)
	install -d $(DESTDIR)$(PREFIX)/libexec/ktstr/kernel
	install -m 0644 tools/kernel/ktstr.config tools/kernel/required.list $(DESTDIR)$(PREFIX)/libexec/ktstr/kernel/
	ln -sfn ../libexec/ktstr/ktstr $(DESTDIR)$(PREFIX)/bin/ktstr
	$(if $(wildcard docs/man/*.1),install -m 0644 $(wildcard docs/man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/)

setup:
	tools/setup

# The main job for a new user: a real sched_ext scheduler test in a VM.
run: setup all
	tools/ktstr run --scheduler scx_simple steady

clean:
	rm -rf build build-san

.PHONY: all check bench fuzz install clean setup run
.DELETE_ON_ERROR:

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
