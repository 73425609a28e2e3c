/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * out.h — the monitor's files: one JSON line per sample in `samples`
 * (also parsed back after a restart so the verdict covers the whole run),
 * the live one-line view, and `monitor.json` (summary + verdict).
 */
#ifndef KTSTR_MONITOR_OUT_H
#define KTSTR_MONITOR_OUT_H

#include <stddef.h>

#include "eval.h"
#include "sample.h"

/* One `samples` line (with '\n'); snprintf-style return. */
int kmon_sample_line(const struct kmon_sample *s, const struct kmon_scx *scx, char *buf,
		     size_t len);
/* Parse a line written by kmon_sample_line.  0, or -1 if malformed. */
int kmon_sample_parse(const char *line, struct kmon_sample *s);
/* Live view: "t=1200ms cpu0: nr=2 scx=1 dsq=0 clk=+100ms | cpu1: ..." */
int kmon_live_line(const struct kmon_sample *s, const struct kmon_sample *prev,
		   const struct kmon_scx *scx, char *buf, size_t len);
/* monitor.json text (caller frees), NULL on OOM. */
char *kmon_report_json(const struct kmon_eval *e, const char *ended_by);

#endif
