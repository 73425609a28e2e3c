// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor's monitor.json folded into a run's verdict.
 */
#include <string.h>

#include "judge.h"
#include "monitor_in.h"
#include "../tap.h"

static struct ktstr_verdict v;

static int parse(struct report_monitor *m, const char *doc)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s", doc);
	return report_monitor_parse(m, buf, strlen(buf));
}

int main(void)
{
	struct report_monitor m;

	tap_plan(10);
	tap_eq_i64(parse(&m, "{\"passed\": true, \"outcome\": \"ok\", \"failures\": [],"
			     " \"summary\": [\"samples=38 max_imbalance=2.00\", \"verdict: monitor OK\"]}"),
		   0, "a passing monitor.json parses");
	tap_ok(m.present && m.passed && m.nsummary == 2, "passed, two summary lines");
	memset(&v, 0, sizeof(v));
	v.passed = true;
	report_fold_monitor(&m, &v);
	tap_ok(v.passed && v.ndetails == 0, "a passing monitor adds nothing");

	tap_eq_i64(parse(&m, "{\"passed\": false, \"outcome\": \"fail\", \"failures\": ["
			     "\"rq_clock stall on cpu1 for 5 consecutive samples (ending at sample 9, clock=777)\","
			     "\"imbalance ratio 9.00 exceeded threshold 4.00 for 5 consecutive samples\"]}"),
		   0, "a failing monitor.json parses");
	memset(&v, 0, sizeof(v));
	v.passed = true;
	report_fold_monitor(&m, &v);
	tap_ok(!v.passed && v.ndetails == 2, "each monitor failure becomes a detail");
	tap_eq_u64(v.details[0].kind, KTSTR_DETAIL_MONITOR, "... of kind monitor");
	tap_has_str(v.details[0].message, "monitor: rq_clock stall on cpu1", "... with its words");

	tap_eq_i64(parse(&m, "{\"passed\": false, \"outcome\": \"fail\"}"), 0, "failed, no details");
	memset(&v, 0, sizeof(v));
	v.passed = true;
	report_fold_monitor(&m, &v);
	tap_has_str(v.ndetails ? v.details[0].message : "", "outcome fail",
		    "a failure without details still fails, naming the outcome");
	tap_ok(parse(&m, "{\"passed\": tru") < 0 && !m.present,
	       "truncated JSON is an error, not a verdict");
	return tap_done();
}
