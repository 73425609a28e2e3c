/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tap_out.h — render one test's TAP line (+ YAML block on failure).
 */
#ifndef KTSTR_REPORT_TAP_OUT_H
#define KTSTR_REPORT_TAP_OUT_H

#include <stdio.h>

#include <ktstr/verdict.h>

#include "monitor_in.h"

struct report_tap {
	unsigned    number;
	const char *name;		/* "steady [1n1l2c1t, scx_simple]" */
	const struct ktstr_verdict *verdict;
	const char *sched_log;		/* tails, may be NULL */
	const char *console_tail;
	const char *guest_tail;
	const char *run_dir;
	const struct report_monitor *monitor;	/* may be NULL */
};

void report_print_tap(FILE *f, const struct report_tap *t);

#endif /* KTSTR_REPORT_TAP_OUT_H */
