/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * diag.h — a diagnostic: one human-readable error message produced by a
 * library function that rejected its input.
 *
 * Library code never prints and never exits; it fills a caller-owned
 * struct ktstr_diag and returns -1 (or a negative errno).  Messages about
 * files are prefixed "file:line: " so editors can jump to them.
 */
#ifndef KTSTR_DIAG_H
#define KTSTR_DIAG_H

#include <stdarg.h>
#include <stdio.h>

#define KTSTR_DIAG_MAX 512u

struct ktstr_diag {
	char	 msg[KTSTR_DIAG_MAX];	/* NUL-terminated, possibly truncated */
	unsigned line;			/* 1-based source line, 0 if none */
};

/* Set d->msg (d may be NULL: the message is dropped). Returns -1. */
static inline __attribute__((format(printf, 2, 3)))
int ktstr_diag_set(struct ktstr_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return -1;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	d->line = 0;
	return -1;
}

/*
 * For APIs that report into a caller's (err, errlen) buffer: format the
 * message (err may be NULL or errlen 0: dropped) and return rc, so a
 * failure path is one line: return ktstr_errf(err, errlen, -EINVAL, ...).
 */
static inline __attribute__((format(printf, 4, 5)))
int ktstr_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

#endif /* KTSTR_DIAG_H */
