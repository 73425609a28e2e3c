/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * monitor_in.h — the monitor's verdict for a run (DIR/monitor.json).
 */
#ifndef KTSTR_REPORT_MONITOR_IN_H
#define KTSTR_REPORT_MONITOR_IN_H

#include <stdbool.h>
#include <stddef.h>

#define REPORT_MON_LINES 16u
#define REPORT_MON_LINE	 256u

struct report_monitor {
	bool	 present;	/* monitor.json existed and parsed */
	bool	 passed;
	char	 outcome[32];	/* ok|fail|no-samples|not-initialized */
	unsigned nfailures, nsummary;
	char	 failures[REPORT_MON_LINES][REPORT_MON_LINE];
	char	 summary[REPORT_MON_LINES][REPORT_MON_LINE];
};

/* 0 (absent is not an error: m->present = false) or -errno / -EBADMSG. */
int report_monitor_load(struct report_monitor *m, const char *run_dir);

/* Parse a monitor.json document held in buf (modified in place). */
int report_monitor_parse(struct report_monitor *m, char *buf, size_t len);

#endif /* KTSTR_REPORT_MONITOR_IN_H */
