// SPDX-License-Identifier: GPL-2.0-only
/* ktstr-init: worker statistics — percentiles, reservoir, gaps, migrations,
 * and the cpus_allowed union bookkeeping (wstats.h, worker.h). */
#include "../tap.h"
#include "guest.h"
#include "wstats.h"
#include "worker.h"

#define MS 1000000ull

static struct wstats w;	/* 32 KiB reservoir: not on the stack */
static uint64_t v[100];

static void fresh(void)
{
	wstats_start(&w, 42, NULL, 0);
	w.start_ns = 0;
	w.last_ckpt_ns = 0;
	w.last_cpu = 0;
	ktstr_cpumask_zero(&w.used);
	ktstr_cpumask_set(&w.used, 0);
}

static void test_percentiles(void)
{
	uint64_t one = 7;
	unsigned i;

	for (i = 0; i < 100; i++)
		v[i] = 100 - i;	/* unsorted on purpose */
	tap_eq_u64(wstats_percentile(v, 100, 50), 50, "p50 of 1..100");
	tap_eq_u64(wstats_percentile(v, 100, 99), 99, "p99 of 1..100");
	tap_eq_u64(wstats_percentile(v, 100, 100), 100, "p100 is the max");
	tap_eq_u64(wstats_percentile(v, 10, 99), 10, "p99 of 1..10 is the max (nearest rank)");
	tap_eq_u64(wstats_percentile(&one, 1, 50), 7, "p50 of one sample");
	tap_eq_u64(wstats_percentile(v, 0, 50), 0, "no samples: 0");
}

static void test_reservoir(void)
{
	uint64_t i, p50;

	fresh();
	for (i = 1; i <= 20000; i++)
		wstats_wake_sample(&w, i);
	tap_eq_u64(w.nlat, WSTATS_RESERVOIR, "reservoir is bounded");
	tap_eq_u64(w.lat_seen, 20000, "every sample counted");
	tap_eq_u64(w.lat_max, 20000, "max is exact, not sampled");
	p50 = wstats_percentile(w.lat, w.nlat, 50);
	tap_ok(p50 > 8000 && p50 < 12000, "reservoir p50 %llu is near the true 10000 (uniform keep)",
	       (unsigned long long)p50);
}

static void test_gaps(void)
{
	struct ktstr_cpumask want;

	fresh();
	wstats_checkpoint_at(&w, 10 * MS, 0);
	wstats_checkpoint_at(&w, 15 * MS, 1);
	wstats_checkpoint_at(&w, 100 * MS, 1);
	wstats_checkpoint_at(&w, 110 * MS, 0);
	tap_eq_u64(w.migrations, 2, "two CPU changes are two migrations");
	tap_eq_u64(w.max_gap_ns, 85 * MS, "longest gap between checkpoints");
	tap_eq_u64(w.max_gap_at_ns, 100 * MS, "gap position = when it ended");
	tap_eq_u64(w.max_gap_cpu, 1, "gap CPU = where it resumed");
	ktstr_cpumask_zero(&want);
	ktstr_cpumask_set(&want, 0);
	ktstr_cpumask_set(&want, 1);
	tap_ok(ktstr_cpumask_equal(&w.used, &want), "cpus used {0,1}");

	/* a voluntary 100 ms sleep that woke 7 ms late */
	fresh();
	wstats_checkpoint_at(&w, 5 * MS, 0);
	w.last_ckpt_ns = 10 * MS;	/* block_begin at 10 ms */
	wstats_block_end_at(&w, 110 * MS, 117 * MS, 0);
	tap_eq_u64(w.lat_seen, 1, "the block gave one wake sample");
	tap_eq_u64(w.lat[0], 7 * MS, "wake latency = overshoot");
	tap_eq_u64(w.max_gap_ns, 7 * MS, "the sleep itself is not a scheduling gap, its overshoot is");
	wstats_checkpoint_at(&w, 120 * MS, 0);
	tap_eq_u64(w.max_gap_ns, 7 * MS, "the gap clock restarted at the wake-up");

	/* woken before we even blocked (partner stamped earlier) */
	fresh();
	w.last_ckpt_ns = 50 * MS;
	wstats_block_end_at(&w, 20 * MS, 51 * MS, 0);
	tap_eq_u64(w.lat[0], 1 * MS, "an early stamp is clamped to the block start");
}

static void test_release(void)
{
	uint64_t release = guest_now_ns() - 50 * MS;

	wstats_start(&w, 1, NULL, release);
	tap_eq_u64(w.start_ns, release, "wall clock starts at the release");
	tap_ok(w.max_gap_ns >= 50 * MS, "time from release to first run is a gap (%llu ms)",
	       (unsigned long long)(w.max_gap_ns / MS));
}

static void test_fill(void)
{
	struct ktstr_worker_report rep;

	fresh();
	w.units = 5;
	w.iterations = 3;
	w.end_ns = 1000 * MS;
	w.cpu_start_ns = 0;
	w.cpu_end_ns = 600 * MS;
	memset(&rep, 0, sizeof(rep));
	wstats_fill(&w, &rep);
	tap_eq_u64(rep.wall_time_ns, 1000 * MS, "wall");
	tap_eq_u64(rep.cpu_time_ns, 600 * MS, "cpu");
	tap_eq_u64(rep.off_cpu_ns, 400 * MS, "off-CPU = wall - cpu");
	tap_ok(rep.work_units == 5 && rep.iterations == 3 && rep.ncpus_used == 1 &&
	       rep.cpus_used[0] == 1, "units, iterations, CPUs used");
	w.cpu_end_ns = 2000 * MS;
	wstats_fill(&w, &rep);
	tap_eq_u64(rep.off_cpu_ns, 0, "cpu > wall (clock skew) clamps off-CPU at 0");
}

static void test_allowed_union(void)
{
	struct guest_worker ws_v[3];
	struct guest_workers ws = { .v = ws_v, .n = 3, .cap = 3 };
	struct ktstr_cpumask a, b, want;
	char buf[64];

	memset(ws_v, 0, sizeof(ws_v));
	ws_v[0] = (struct guest_worker){ .running = true, .cur_cg = 0 };
	ws_v[1] = (struct guest_worker){ .running = true, .cur_cg = 1 };
	ws_v[2] = (struct guest_worker){ .running = false, .cur_cg = 0 };	/* stopped */
	ktstr_cpumask_parse("0-1", &a, NULL);
	ktstr_cpumask_parse("2-3", &b, NULL);
	ws_v[0].allowed = a;
	guest_workers_allow(&ws, 0, &b);	/* cgroup 0's cpuset changed to 2-3 */
	ktstr_cpumask_parse("0-3", &want, NULL);
	ktstr_cpumask_format(&ws_v[0].allowed, buf, sizeof(buf));
	tap_ok(ktstr_cpumask_equal(&ws_v[0].allowed, &want), "union of both cpusets: %s", buf);
	tap_ok(ktstr_cpumask_empty(&ws_v[1].allowed), "another cgroup's worker untouched");
	tap_ok(ktstr_cpumask_empty(&ws_v[2].allowed), "a stopped worker keeps its final set");
	tap_eq_u64(guest_workers_running_in(&ws, 0), 1, "running in cgroup 0");
	tap_eq_u64(guest_workers_running_in(&ws, -1), 2, "running anywhere");
}

static void test_affinity(void)
{
	struct ktstr_topology t = { 1, 2, 2, 1 };
	struct ktstr_affinity a = { 0 };
	struct ktstr_cpumask cg, out;
	uint64_t rng = 1;
	int i, ok = 1;

	ktstr_cpumask_parse("1-3", &cg, NULL);
	a.kind = KTSTR_AFF_INHERIT;
	tap_eq_i64(guest_affinity_resolve(&a, &cg, &t, 0, &rng, &out), 0, "inherit: no affinity");
	a.kind = KTSTR_AFF_SINGLE;
	guest_affinity_resolve(&a, &cg, &t, 4, &rng, &out);
	tap_ok(ktstr_cpumask_count(&out) == 1 && ktstr_cpumask_test(&out, 2),
	       "single: worker 4 of cpuset 1-3 wraps to its 2nd CPU (2)");
	a.kind = KTSTR_AFF_RANDOM;
	for (i = 0; i < 200; i++) {
		guest_affinity_resolve(&a, &cg, &t, 0, &rng, &out);
		ok &= !ktstr_cpumask_empty(&out) && ktstr_cpumask_subset(&out, &cg);
	}
	tap_ok(ok, "random: always a non-empty subset of the cgroup's cpuset");
	a.kind = KTSTR_AFF_CROSS;
	guest_affinity_resolve(&a, &cg, &t, 0, &rng, &out);
	tap_eq_u64(ktstr_cpumask_count(&out), 4, "cross: all CPUs of the topology");
	a.kind = KTSTR_AFF_LLC;
	tap_eq_i64(guest_affinity_resolve(&a, &cg, &t, 0, &rng, &out), 0,
		   "llc: resolved by the worker itself");
}

int main(void)
{
	tap_plan(37);
	test_percentiles();
	test_reservoir();
	test_gaps();
	test_release();
	test_fill();
	test_allowed_union();
	test_affinity();
	return tap_done();
}
