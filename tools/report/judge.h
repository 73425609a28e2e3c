/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * judge.h — turn a loaded run record into a verdict (see judge.c).
 */
#ifndef KTSTR_REPORT_JUDGE_H
#define KTSTR_REPORT_JUDGE_H

#include <stdbool.h>

#include <ktstr/scenario.h>
#include <ktstr/verdict.h>

#include "monitor_in.h"
#include "record.h"

struct report_judge_args {
	const struct ktstr_scenario *sc;	/* after command-line overrides */
	bool	    expect_sched;		/* a BPF scheduler was requested */
	const char *backend;			/* "qemu-tcg", "qemu-kvm", "kvm" */
};

/* 0 pass, 1 fail, -1 bad arguments.  *v is always filled. */
int report_judge(const struct report_record *r, const struct report_judge_args *a,
		 struct ktstr_verdict *v);

/* The monitor's failures become `monitor` details of v (spec §1.4 step 5). */
void report_fold_monitor(const struct report_monitor *m, struct ktstr_verdict *v);

#endif /* KTSTR_REPORT_JUDGE_H */
