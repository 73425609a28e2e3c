// SPDX-License-Identifier: GPL-2.0-only
/*
 * monitor_in.c — read the monitor's monitor.json.
 *
 * The monitor (a host process of ours, written atomically) judges what it
 * sampled from guest memory: imbalance, local DSQ depth, rq clock stalls.
 * Its failures become `monitor` details of the run's verdict, its summary
 * lines go into the report.  A missing file (monitor never started, or
 * crashed past its restarts) is no verdict, said in the report's stats.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/file.h>
#include <ktstr/jsonread.h>

#include "monitor_in.h"

#define MONITOR_JSON_MAX (1u << 20)

/* Copy up to REPORT_MON_LINES strings of array `key` into lines. */
static unsigned copy_lines(struct ktstr_qjson *j, const char *key,
			   char lines[][REPORT_MON_LINE])
{
	int arr = ktstr_qjson_get(j, 0, key);
	unsigned n = 0;

	if (!ktstr_qjson_is(j, arr, KTSTR_QJ_ARR))
		return 0;
	for (int c = j->n[arr].first; c >= 0 && n < REPORT_MON_LINES; c = j->n[c].next) {
		const char *s = ktstr_qjson_str(j, c);

		if (s)
			snprintf(lines[n++], REPORT_MON_LINE, "%s", s);
	}
	return n;
}

int report_monitor_parse(struct report_monitor *m, char *buf, size_t len)
{
	struct ktstr_qjson *j = calloc(1, sizeof(*j));
	const char *outcome;
	int ret;

	memset(m, 0, sizeof(*m));
	if (!j)
		return -ENOMEM;
	ret = ktstr_qjson_parse(j, buf, len);
	if (ret == 0 && !ktstr_qjson_bool(j, ktstr_qjson_get(j, 0, "passed"), &m->passed))
		ret = -EBADMSG;
	if (ret == 0) {
		outcome = ktstr_qjson_str(j, ktstr_qjson_get(j, 0, "outcome"));
		snprintf(m->outcome, sizeof(m->outcome), "%s", outcome ? outcome : "?");
		m->nfailures = copy_lines(j, "failures", m->failures);
		m->nsummary = copy_lines(j, "summary", m->summary);
		m->present = true;
	}
	free(j);
	return ret;
}

int report_monitor_load(struct report_monitor *m, const char *run_dir)
{
	char path[4096];
	size_t len;
	void *buf;
	int ret;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/monitor.json", run_dir);
	ret = ktstr_file_read(path, MONITOR_JSON_MAX, &buf, &len, NULL, NULL, 0);
	if (ret == -ENOENT)
		return 0;	/* no monitor verdict: said in the report */
	if (ret < 0)
		return ret;
	ret = report_monitor_parse(m, buf, len);
	free(buf);
	return ret;
}
