/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tap.h — a tiny TAP 13 producer for ktstr's C tests.
 *
 * Header-only like the kernel's kselftest.h: one test program is one
 * translation unit, so the counters below are file-local state of that
 * program, not library globals.
 *
 *   tap_plan(3);
 *   tap_ok(x == 1, "x is one");
 *   tap_eq_u64(got, want, "count");         // prints got/want on failure
 *   tap_eq_str(path, "/tmp/a", "path");
 *   tap_skip("no /dev/kvm");                 // counts as ok with # SKIP
 *   return tap_done();                       // exit status 0 iff all passed
 */
#ifndef KTSTR_TESTS_TAP_H
#define KTSTR_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n_, tap_failed_, tap_planned_ = -1;

static inline void tap_version_(void)
{
	static int printed;

	if (!printed) {
		printed = 1;
		printf("TAP version 13\n");
	}
}

static inline void tap_plan(int n)
{
	tap_version_();
	tap_planned_ = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Whole program skipped: "1..0 # SKIP reason", exit 0. */
static inline __attribute__((noreturn)) void tap_skip_all(const char *fmt, ...)
{
	va_list ap;

	tap_version_();
	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(0);
}

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int tap_okv_(int pass, const char *directive, const char *fmt, va_list ap)
{
	tap_version_();
	tap_n_++;
	if (!pass)
		tap_failed_++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_n_);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	fflush(stdout);
	return pass;
}

static inline int tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_okv_(pass, NULL, fmt, ap);
	va_end(ap);
	return r;
}

static inline void tap_skip(const char *reason, const char *fmt, ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), "SKIP %s", reason);
	va_start(ap, fmt);
	tap_okv_(1, directive, fmt, ap);
	va_end(ap);
}

/* YAML diagnostic block after a failed assertion (TAP 13). */
#define tap_yaml_fail_(fmtgot, got, fmtwant, want)                      \
	do {                                                            \
		printf("  ---\n  got: " fmtgot "\n  want: " fmtwant     \
		       "\n  at: %s:%d\n  ...\n", got, want, __FILE__,   \
		       __LINE__);                                       \
	} while (0)

#define tap_eq_u64(got, want, ...)                                      \
	do {                                                            \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);   \
		if (!tap_ok(g_ == w_, __VA_ARGS__))                     \
			tap_yaml_fail_("%" PRIu64, g_, "%" PRIu64, w_); \
	} while (0)

#define tap_eq_i64(got, want, ...)                                      \
	do {                                                            \
		int64_t g_ = (int64_t)(got), w_ = (int64_t)(want);      \
		if (!tap_ok(g_ == w_, __VA_ARGS__))                     \
			tap_yaml_fail_("%" PRId64, g_, "%" PRId64, w_); \
	} while (0)

#define tap_eq_str(got, want, ...)                                      \
	do {                                                            \
		const char *g_ = (got), *w_ = (want);                   \
		int eq_ = g_ && w_ && strcmp(g_, w_) == 0;              \
		if (!tap_ok(eq_, __VA_ARGS__))                          \
			tap_yaml_fail_("'%s'", g_ ? g_ : "(null)", "'%s'", \
				       w_ ? w_ : "(null)");             \
	} while (0)

/* Substring check, for error messages. */
#define tap_has_str(hay, needle, ...)                                   \
	do {                                                            \
		const char *h_ = (hay), *n_ = (needle);                 \
		if (!tap_ok(h_ && strstr(h_, n_) != NULL, __VA_ARGS__)) \
			tap_yaml_fail_("'%s'", h_ ? h_ : "(null)",      \
				       "contains '%s'", n_);            \
	} while (0)

static inline int tap_done(void)
{
	if (tap_planned_ < 0)
		printf("1..%d\n", tap_n_);
	else if (tap_planned_ != tap_n_)
		printf("# planned %d tests but ran %d\n", tap_planned_, tap_n_);
	fflush(stdout);
	return (tap_failed_ || (tap_planned_ >= 0 && tap_planned_ != tap_n_)) ? 1 : 0;
}

#endif /* KTSTR_TESTS_TAP_H */
