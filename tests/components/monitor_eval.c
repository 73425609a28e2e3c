// SPDX-License-Identifier: GPL-2.0-only
/*
 * monitor_eval: the spec §6 threshold logic on synthetic samples —
 * sustained-run tracker (4 bad samples pass, 5 fail), idle and preempted
 * CPUs are not stalls, the verdict strings, the "not initialized" and
 * "no samples" outcomes.
 */
#include <stdint.h>

#include "../../monitor/eval.h"
#include "../tap.h"

static struct kmon_eval ev;
static struct kmon_sample smp;

static void setup(void)
{
	struct kmon_thresholds th;

	kmon_thresholds_default(&th, 250);
	kmon_eval_init(&ev, &th);
}

/* 2 CPUs, both busy with 1 task, clocks advancing */
static void base_sample(uint64_t i)
{
	memset(&smp, 0, sizeof(smp));
	smp.elapsed_ms = i * 100;
	smp.ncpus = 2;
	for (int c = 0; c < 2; c++) {
		smp.cpu[c].valid = true;
		smp.cpu[c].nr_running = 1;
		smp.cpu[c].rq_clock = 1000000 + i * 100000000ull + (uint64_t)c;
	}
}

static void feed_good(uint64_t *i, int n)
{
	for (int k = 0; k < n; k++, (*i)++) {
		base_sample(*i);
		kmon_eval_add(&ev, &smp);
	}
}

static void line(unsigned idx, char *buf, size_t len)
{
	buf[0] = '\0';
	kmon_eval_line(&ev, idx, buf, len);
}

static void imbalance(int bad)
{
	char buf[512];
	uint64_t i = 0;

	setup();
	feed_good(&i, 3);
	for (int k = 0; k < bad; k++, i++) {
		base_sample(i);
		smp.cpu[0].nr_running = 9;	/* 9 / max(1, 1) = 9.0 > 4.0 */
		kmon_eval_add(&ev, &smp);
	}
	feed_good(&i, 3);
	kmon_eval_finish(&ev);
	if (bad < 5) {
		tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS, "imbalance for %d samples: pass", bad);
		line(2, buf, sizeof(buf));
		tap_eq_str(buf, "verdict: monitor OK", "verdict line: monitor OK");
		return;
	}
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_FAIL, "imbalance for %d samples: fail", bad);
	line(2, buf, sizeof(buf));
	tap_eq_str(buf, "verdict: imbalance ratio 9.00 exceeded threshold 4.00 for 5 consecutive "
		   "samples (ending at sample 7)", "imbalance verdict wording");
	line(0, buf, sizeof(buf));
	tap_eq_str(buf, "samples=11 max_imbalance=9.00 max_dsq_depth=0 stuck=0", "summary line");
}

static void imbalance_edges(void)
{
	setup();
	base_sample(0);
	smp.cpu[0].nr_running = 4;
	smp.cpu[1].nr_running = 0;
	tap_ok(kmon_imbalance(&smp) == 4.0, "ratio = max / max(1, min): 4 vs idle = 4.0");
	smp.cpu[1].nr_running = 2;
	tap_ok(kmon_imbalance(&smp) == 2.0, "4 vs 2 = 2.0");
	smp.cpu[1].valid = false;
	tap_ok(kmon_imbalance(&smp) == 1.0, "an unreadable CPU takes no part (one CPU left: 1.0)");
	/* exactly at the threshold is not "exceeded" */
	{
		uint64_t i = 0;

		for (; i < 8; i++) {
			base_sample(i);
			smp.cpu[0].nr_running = 4;
			smp.cpu[1].nr_running = 0;
			kmon_eval_add(&ev, &smp);
		}
		kmon_eval_finish(&ev);
		tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS, "ratio == 4.0 for 8 samples: pass");
	}
}

static void dsq(void)
{
	char buf[512];
	uint64_t i = 0;

	setup();
	feed_good(&i, 2);
	for (int k = 0; k < 4; k++, i++) {
		base_sample(i);
		smp.cpu[1].local_dsq_depth = 51;
		kmon_eval_add(&ev, &smp);
	}
	feed_good(&i, 1);
	tap_eq_i64(ev.ndetails, 0, "DSQ depth 51 for 4 samples: no failure");
	for (int k = 0; k < 6; k++, i++) {
		base_sample(i);
		smp.cpu[1].local_dsq_depth = k == 2 ? 80 : 51;
		kmon_eval_add(&ev, &smp);
	}
	kmon_eval_finish(&ev);
	line(2, buf, sizeof(buf));
	tap_eq_str(buf, "verdict: local DSQ depth 80 on cpu1 exceeded threshold 50 for 6 "
		   "consecutive samples (ending at sample 12)", "DSQ verdict wording (run open at the end)");
	line(0, buf, sizeof(buf));
	tap_has_str(buf, "max_dsq_depth=80", "summary has the max DSQ depth");
}

static void stall(int bad, int idle, int preempted, int have_vcpu)
{
	uint64_t i = 0;

	setup();
	feed_good(&i, 2);
	for (int k = 0; k <= bad; k++, i++) {	/* bad+1 equal clocks = bad stall intervals */
		base_sample(i);
		smp.cpu[0].rq_clock = 777;
		if (idle)
			smp.cpu[0].nr_running = 0;
		smp.cpu[0].have_vcpu = smp.cpu[1].have_vcpu = have_vcpu;
		/* busy vCPU thread: +100 ms per sample; preempted: +1 ms */
		smp.cpu[0].vcpu_ns = i * (preempted ? 1000000ull : 100000000ull);
		kmon_eval_add(&ev, &smp);
	}
	feed_good(&i, 2);
	kmon_eval_finish(&ev);
}

static void stalls(void)
{
	char buf[512];
	struct kmon_cpu a = { .valid = true, .nr_running = 1, .rq_clock = 5 };
	struct kmon_cpu b = a;

	tap_ok(kmon_cpu_stalled(&a, &b, 40000000), "same clock, busy: stalled");
	b.rq_clock = 0;
	a.rq_clock = 0;
	tap_ok(!kmon_cpu_stalled(&a, &b, 40000000), "clock 0 (never ran): not a stall");

	stall(4, 0, 0, 0);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS, "stall for 4 samples: pass");
	stall(5, 0, 0, 0);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_FAIL, "stall for 5 samples: fail");
	line(2, buf, sizeof(buf));
	tap_eq_str(buf, "verdict: rq_clock stall on cpu0 for 5 consecutive samples (ending at "
		   "sample 7, clock=777)", "stall verdict wording");
	line(0, buf, sizeof(buf));
	tap_has_str(buf, "stuck=1", "summary counts the stall");
	stall(20, 1, 0, 0);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS, "idle CPU (nr_running 0) with a frozen clock: not a stall");
	stall(20, 0, 1, 1);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS,
		   "vCPU thread got < 10 ticks of host CPU: preempted, not a stall");
	stall(20, 0, 0, 1);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_FAIL, "vCPU thread ran 100 ms per sample: real stall");
	stall(20, 0, 1, 0);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_FAIL, "missing vCPU readings never count as preempted");
}

static void outcomes(void)
{
	char buf[512];
	uint64_t i = 0;

	setup();
	kmon_eval_finish(&ev);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS_NO_SAMPLES, "zero samples: pass");
	line(2, buf, sizeof(buf));
	tap_eq_str(buf, "verdict: no monitor samples", "zero samples wording");

	setup();
	for (; i < 10; i++) {	/* clocks identical everywhere: never initialised */
		base_sample(i);
		smp.cpu[0].rq_clock = smp.cpu[1].rq_clock = 42;
		smp.cpu[0].nr_running = 9;
		kmon_eval_add(&ev, &smp);
	}
	kmon_eval_finish(&ev);
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS_NOT_INITIALIZED,
		   "identical rq_clock in every sample: not initialized (pass)");
	line(2, buf, sizeof(buf));
	tap_has_str(buf, "verdict: monitor data not yet initialized", "not-initialized wording");

	setup();
	i = 0;
	feed_good(&i, 3);
	base_sample(i++);
	smp.cpu[1].local_dsq_depth = 10001;	/* DSQ_PLAUSIBILITY_CEILING */
	kmon_eval_add(&ev, &smp);
	feed_good(&i, 3);
	kmon_eval_finish(&ev);
	tap_eq_i64(ev.implausible, 1, "DSQ depth 10001: implausible sample counted");
	tap_eq_i64(kmon_eval_outcome(&ev), KMON_PASS_NOT_INITIALIZED,
		   "an implausible sample makes the data untrusted (spec)");
	tap_eq_i64(ev.max_dsq, 0, "implausible values never reach the summary");

	setup();
	i = 0;
	feed_good(&i, 10);
	kmon_eval_finish(&ev);
	line(1, buf, sizeof(buf));
	tap_eq_str(buf, "avg: imbalance=1.00 nr_running/cpu=1.00 dsq/cpu=0.00", "avg line");
}

int main(void)
{
	imbalance(4);
	imbalance(5);
	imbalance_edges();
	dsq();
	stalls();
	outcomes();
	return tap_done();
}
