// SPDX-License-Identifier: GPL-2.0-only
/*
 * verdict.c — each check passes on good data and fails with the right
 * kind and numbers on bad data; the backend factor is applied and shown;
 * garbage guest data is a GUEST_DATA failure, never a crash.
 */
#include "../tap.h"

#include <signal.h>

#include <ktstr/verdict.h>

static struct ktstr_scenario sc;
static struct ktstr_verdict v;
static struct ktstr_worker_report reps[64];
static struct ktstr_test_summary sum;

static const char steady[] =
	"[scenario]\nduration = 2s\n[cgroup cg0]\nworkers = 4\n[cgroup cg1]\n"
	"[step 1]\nhold = 50%\n[step 2]\nop = set_cpuset cg1 1\nop = spawn cg0 spin 2\nhold = 50%\n";

static void load(const char *text)
{
	struct ktstr_diag d = { 0 };

	if (ktstr_scenario_parse_buf("v.ktstr", text, strlen(text), &sc, &d)) {
		tap_diag("%s", d.msg);
		abort();
	}
}

static void good_report(struct ktstr_worker_report *r, unsigned cg, unsigned w, unsigned cpu)
{
	memset(r, 0, sizeof(*r));
	r->version = KTSTR_REPORT_VERSION;
	r->cgroup = (uint16_t)cg;
	r->worker = (uint16_t)w;
	r->pid = 100 + cg * 10 + w;
	r->flags = KTSTR_WR_COMPLETED;
	snprintf(r->cgroup_name, sizeof(r->cgroup_name), "%s", sc.cgroups[cg].name);
	snprintf(r->work_type, sizeof(r->work_type), "spin");
	r->work_units = 1000;
	r->iterations = 5000;
	r->wall_time_ns = 2000000000ull;
	r->cpu_time_ns = 1000000000ull;
	r->off_cpu_ns = 1000000000ull;
	r->migrations = 3;
	r->max_gap_ns = 150000000ull;
	r->max_gap_cpu = cpu;
	r->ncpus_used = 1;
	r->cpus_used[0] = (uint8_t)(1u << cpu);
}

/* The steady fixture: cg0 workers 0-3 at start + 4-5 spawned at step 2; cg1 0-1. */
static size_t good_run(void)
{
	size_t n = 0;

	load(steady);
	for (unsigned w = 0; w < 6; w++)
		good_report(&reps[n++], 0, w, w % 2);
	for (unsigned w = 0; w < 2; w++)
		good_report(&reps[n++], 1, w, 1);
	memset(&sum, 0, sizeof(sum));
	sum.version = KTSTR_REPORT_VERSION;
	sum.nworkers = (uint32_t)n;
	sum.ncgroups = 2;
	sum.steps_done = sum.steps_total = 2;
	sum.sched_fate = KTSTR_SCHED_RAN;
	sum.elapsed_ms = 2000;
	return n;
}

static int judge(size_t n, const char *backend, const struct ktstr_checks *chk)
{
	struct ktstr_verdict_input in = {
		.sc = &sc, .checks = chk, .reports = reps, .nreports = n, .summary = &sum,
		.expect_sched = true, .backend = backend,
	};

	return ktstr_verdict_judge(&in, &v);
}

static const struct ktstr_verdict_detail *only(unsigned kind)
{
	if (v.ndetails != 1 || v.details[0].kind != kind) {
		for (unsigned i = 0; i < v.ndetails; i++)
			tap_diag("detail %u: %s: %s", i, ktstr_detail_kind_name(v.details[i].kind),
				 v.details[i].message);
		return NULL;
	}
	return &v.details[0];
}

static void test_pass_and_stats(void)
{
	size_t n = good_run();
	char buf[1024];

	tap_eq_i64(judge(n, "kvm", NULL), 0, "good data passes");
	tap_ok(v.passed && v.ndetails == 0, "no details");
	tap_eq_u64(v.workers, 8, "8 workers counted");
	tap_eq_u64(v.cpus, 2, "2 CPUs used");
	tap_eq_u64(v.migrations, 24, "migrations summed");
	tap_eq_u64(v.cgroups[0].workers, 6, "cg0 workers");
	tap_eq_u64(v.cgroups[0].iterations, 30000, "cg0 iterations");
	tap_ok(v.cgroups[0].spread_pct == 0.0, "spread 0 on equal workers");
	ktstr_verdict_format_stats(&v, buf, sizeof(buf));
	tap_eq_str(buf, "8 workers, 2 cpus, 24 migrations, worst_spread=0.0%, worst_gap=150ms\n"
		   "  cg0: workers=6 cpus=2 spread=0.0% gap=150ms migrations=18 iter=30000\n"
		   "  cg1: workers=2 cpus=1 spread=0.0% gap=150ms migrations=6 iter=10000\n", "stats block");
}

static void test_starved(void)
{
	const struct ktstr_verdict_detail *d;
	size_t n = good_run();

	reps[1].work_units = 0;
	tap_eq_i64(judge(n, "kvm", NULL), 1, "starved worker fails");
	d = only(KTSTR_DETAIL_STARVED);
	tap_ok(d && d->cgroup == 0 && d->worker == 1 && d->pid == 101, "starved: kind, cgroup, worker, pid");
	tap_eq_str(d ? d->message : NULL, "worker 1 (pid 101) in cgroup cg0 made no progress (0 work units)",
		   "starved message");
}

static void test_unfair(void)
{
	const struct ktstr_verdict_detail *d;
	size_t n = good_run();

	/* initial cg0 cohort: off-CPU 12.0%, 50%, 50%, 53.2% -> spread 41.2 */
	reps[0].off_cpu_ns = 240000000ull;
	reps[3].off_cpu_ns = 1064000000ull;
	reps[0].cpus_used[0] = reps[3].cpus_used[0] = 3;
	reps[0].ncpus_used = reps[3].ncpus_used = 2;
	/* the spawned cohort (workers 4-5) is far off but is compared only with itself */
	reps[4].off_cpu_ns = reps[5].off_cpu_ns = 1900000000ull;
	tap_eq_i64(judge(n, "kvm", NULL), 1, "unfair cohort fails");
	d = only(KTSTR_DETAIL_UNFAIR);
	tap_eq_str(d ? d->message : NULL,
		   "unfair cgroup cg0: spread=41.2% (12.0-53.2%) 4 workers on 2 cpus (threshold 35%) "
		   "[workers 0-3, started with the cgroup]", "unfair message");
	tap_ok(d && d->value > 41.19 && d->value < 41.21 && d->threshold == 35.0 && !strcmp(d->unit, "%"),
	       "unfair numbers");
	tap_ok(v.cgroups[0].spread_pct > 41.19 && v.cgroups[0].min_off_pct > 11.99, "per-cgroup spread stats");

	struct ktstr_checks c;
	ktstr_checks_defaults(&c);
	c.spread_bp = 4500;
	tap_eq_i64(judge(n, "kvm", &c), 0, "spread under a 45%% threshold passes");
	c.fairness = KTSTR_OFF;
	c.spread_bp = 100;
	tap_eq_i64(judge(n, "kvm", &c), 0, "fairness off passes");
}

static void test_gap(void)
{
	const struct ktstr_verdict_detail *d;
	size_t n = good_run();

	reps[6].max_gap_ns = 4200000000ull;
	reps[6].max_gap_at_ns = 900000000ull;
	tap_eq_i64(judge(n, "kvm", NULL), 1, "4.2 s gap fails on kvm");
	d = only(KTSTR_DETAIL_STUCK);
	tap_eq_str(d ? d->message : NULL, "worker 0 (pid 110) in cgroup cg1 stuck 4200ms on cpu1 at +900ms (threshold 2000ms)",
		   "stuck message, factor 1 not mentioned");
	tap_ok(d && d->cpu == 1 && d->value == 4200 && d->threshold == 2000, "stuck numbers");

	tap_eq_i64(judge(n, "qemu-tcg", NULL), 0, "4.2 s gap passes with the TCG factor (5000ms)");
	tap_eq_u64(v.gap_threshold_ms, 5000, "effective threshold reported");
	tap_ok(v.time_factor == 2.5, "factor reported");
	reps[6].max_gap_ns = 5200000000ull;
	tap_eq_i64(judge(n, "qemu-tcg", NULL), 1, "5.2 s gap fails on TCG");
	d = only(KTSTR_DETAIL_STUCK);
	tap_eq_str(d ? d->message : NULL,
		   "worker 0 (pid 110) in cgroup cg1 stuck 5200ms on cpu1 at +900ms (threshold 5000ms = 2000ms x 2.5 for qemu-tcg)",
		   "scaled threshold shows base and factor");
}

static void test_isolation(void)
{
	const struct ktstr_verdict_detail *d;
	struct ktstr_checks c;
	size_t n = good_run();

	reps[7].cpus_used[0] = 3;	/* cg1 had no cpuset in step 1: all CPUs allowed */
	reps[7].ncpus_used = 2;
	ktstr_checks_defaults(&c);
	c.isolation = KTSTR_ON;
	tap_eq_i64(judge(n, "kvm", &c), 0, "CPUs allowed in some phase are fine");

	load("[scenario]\n[cgroup cg0]\ncpuset = 0\n[cgroup cg1]\ncpuset = 1\n[checks]\nisolation = on\n");
	good_report(&reps[0], 0, 0, 0);
	good_report(&reps[1], 0, 1, 1);
	good_report(&reps[2], 1, 0, 1);
	good_report(&reps[3], 1, 1, 1);
	sum.nworkers = 4;
	sum.steps_done = sum.steps_total = 1;
	tap_eq_i64(judge(4, "kvm", NULL), 1, "worker outside its cpuset fails");
	d = only(KTSTR_DETAIL_ISOLATION);
	tap_eq_str(d ? d->message : NULL, "worker 1 (pid 101) in cgroup cg0 ran on CPUs {1} outside its cpuset {0}",
		   "isolation message");
	tap_ok(d && d->cpu == 1, "isolation names the CPU");
}

static void test_sched(void)
{
	const struct ktstr_verdict_detail *d;
	size_t n = good_run();

	sum.sched_fate = KTSTR_SCHED_DIED;
	sum.sched_exit_status = SIGSEGV;	/* wait status of a SIGSEGV death */
	sum.sched_fate_at_ms = 1500;
	sum.steps_done = 1;
	/* fewer reports are expected when the run stopped early */
	tap_eq_i64(judge(n, "kvm", NULL), 1, "scheduler death fails");
	d = only(KTSTR_DETAIL_SCHED_DIED);
	tap_eq_str(d ? d->message : NULL,
		   "scheduler process died unexpectedly during workload (1.5s into the test, after completing "
		   "step 1 of 2; killed by signal 11)", "died message");

	good_run();
	sum.sched_fate = KTSTR_SCHED_ERROR_EXIT;
	sum.sched_fate_at_ms = 800;
	snprintf(sum.scx_exit_reason, sizeof(sum.scx_exit_reason), "runnable task stall (kworker/0:1[23] failed to run for 5.1s)");
	judge(n, "kvm", NULL);
	d = only(KTSTR_DETAIL_SCHED_ERROR);
	tap_eq_str(d ? d->message : NULL,
		   "sched_ext disabled the scheduler (0.8s into the test, after completing step 2 of 2): "
		   "runnable task stall (kworker/0:1[23] failed to run for 5.1s)", "error-exit message with the kernel's reason");

	good_run();
	sum.sched_fate = KTSTR_SCHED_NOT_ATTACHED;
	judge(n, "kvm", NULL);
	tap_ok(only(KTSTR_DETAIL_SCHED_NOT_ATTACHED) != NULL, "not attached");
	good_run();
	sum.sched_fate = KTSTR_SCHED_NONE;
	tap_eq_i64(judge(n, "kvm", NULL), 1, "requested scheduler missing fails");
	struct ktstr_verdict_input in = { .sc = &sc, .reports = reps, .nreports = n, .summary = &sum };
	tap_eq_i64(ktstr_verdict_judge(&in, &v), 0, "EEVDF run without a scheduler passes");
}

static void test_guest_data(void)
{
	size_t n = good_run();

	sum.nworkers = 9;
	judge(n, "kvm", NULL);
	tap_ok(only(KTSTR_DETAIL_GUEST_DATA) && strstr(v.details[0].message, "announces 9 worker reports, 8 received"),
	       "report count != summary count");
	good_run();
	reps[2].cgroup = 7;
	judge(n, "kvm", NULL);
	tap_ok(v.ndetails >= 1 && v.details[0].kind == KTSTR_DETAIL_GUEST_DATA &&
	       strstr(v.details[0].message, "cgroup index 7 out of range"), "cgroup index out of range");
	good_run();
	reps[2].worker = 9;
	judge(n, "kvm", NULL);
	tap_ok(v.ndetails >= 1 && strstr(v.details[0].message, "worker index 9: the scenario never spawns it"),
	       "worker index out of range");
	good_run();
	memset(reps[2].cgroup_name, 'x', sizeof(reps[2].cgroup_name));
	judge(n, "kvm", NULL);
	tap_ok(v.ndetails >= 1 && strstr(v.details[0].message, "not NUL-terminated"), "non-terminated name");
	good_run();
	reps[3] = reps[2];
	judge(n, "kvm", NULL);
	tap_ok(v.ndetails >= 1 && strstr(v.details[0].message, "duplicate report"), "duplicate worker");
	good_run();
	reps[2].version = 99;
	judge(n, "kvm", NULL);
	tap_ok(v.ndetails >= 1 && strstr(v.details[0].message, "version 99"), "report version");
	good_run();
	reps[2].cpus_used[31] = 0x80;
	reps[2].ncpus_used = 2;
	judge(n, "kvm", NULL);
	tap_ok(v.ndetails >= 1 && strstr(v.details[0].message, "beyond the topology"), "CPU beyond topology");
	good_run();
	struct ktstr_verdict_input in = { .sc = &sc, .reports = reps, .nreports = n, .summary = NULL };
	tap_eq_i64(ktstr_verdict_judge(&in, &v), 1, "missing summary fails");
	tap_ok(only(KTSTR_DETAIL_GUEST_DATA) && strstr(v.details[0].message, "no test summary"), "missing summary message");

	struct ktstr_diag d = { 0 };
	struct ktstr_worker_report r;
	tap_ok(ktstr_worker_report_decode(reps, 100, &r, &d) == -1 && strstr(d.msg, "100 bytes, expected 264"),
	       "decode rejects a short payload");
	tap_ok(ktstr_worker_report_decode(&reps[0], sizeof(r), &r, &d) == 0, "decode accepts a good payload");
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint8_t rnd8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)rng;
}

static void test_fuzz(void)
{
	unsigned crashes_avoided = 0;

	load(steady);
	for (int round = 0; round < 2000; round++) {
		size_t n = rnd8() % 12;
		uint8_t *p = (uint8_t *)reps;

		for (size_t i = 0; i < n * sizeof(reps[0]); i++)
			p[i] = rnd8();
		for (size_t i = 0; i < sizeof(sum); i++)
			((uint8_t *)&sum)[i] = rnd8();
		if (round % 2) {	/* half the time keep the versions right to go deeper */
			for (size_t i = 0; i < n; i++) {
				reps[i].version = KTSTR_REPORT_VERSION;
				reps[i].cgroup %= 3;
			}
			sum.version = KTSTR_REPORT_VERSION;
		}
		if (judge(n, "qemu-tcg", NULL) == 1 && v.ndetails > 0)
			crashes_avoided++;
	}
	tap_ok(crashes_avoided == 2000, "2000 random report sets judged as failures without crashing");
}

int main(void)
{
	test_pass_and_stats();
	test_starved();
	test_unfair();
	test_gap();
	test_isolation();
	test_sched();
	test_guest_data();
	test_fuzz();
	return tap_done();
}
