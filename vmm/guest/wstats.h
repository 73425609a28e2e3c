/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wstats.h — what a worker measures about itself while it works
 * (ktstr §7.2): work units, iterations, CPU and wall time, migrations and
 * CPUs used (sched_getcpu at checkpoints), the longest scheduling gap,
 * wake latencies (a bounded reservoir) and schedstat deltas.
 *
 * Checkpoints: one per outer iteration of the work loop (for spin and
 * mixed that is every 1024 units, as in ktstr) and one every 1024 spins
 * inside long bursts.  The gap is the time between two checkpoints while
 * the worker is runnable: a voluntary block (sleep, pipe/futex wait) is
 * bracketed by wstats_block_begin/end and does not count, except for the
 * part after the moment it should have woken (its wake latency), which
 * does.  A yield is not a block: the worker stays runnable.
 *
 * Plain data, no allocation: lives in the worker process.
 */
#ifndef KTSTR_GUEST_WSTATS_H
#define KTSTR_GUEST_WSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/cpuset.h>
#include <ktstr/wire.h>

#define WSTATS_RESERVOIR 4096u

/* Shared with the parent (MAP_SHARED): progress visible without the worker. */
struct wstats_shared {
	uint64_t iterations;
	uint64_t units;
};

struct wstats {
	uint64_t start_ns, end_ns;	/* CLOCK_MONOTONIC */
	uint64_t cpu_start_ns, cpu_end_ns; /* CLOCK_THREAD_CPUTIME_ID */
	uint64_t units, iterations;
	uint64_t last_ckpt_ns;
	int	 last_cpu;
	uint64_t migrations;
	uint64_t max_gap_ns, max_gap_at_ns;
	uint32_t max_gap_cpu;
	struct ktstr_cpumask used;
	uint64_t lat[WSTATS_RESERVOIR];
	uint32_t nlat;
	uint64_t lat_seen, lat_max;
	uint64_t rng;
	bool	 have_schedstat;
	uint64_t run_delay0, run_count0;
	struct wstats_shared *shared;	/* may be NULL */
};

/*
 * Start measuring (reads the CPU clock, the CPU and /proc/self/schedstat).
 * Wall time and the first gap run from release_ns, when init released the
 * worker (0: now): a worker that is not run for a while after its release
 * shows that delay as a scheduling gap.
 */
void wstats_start(struct wstats *w, uint64_t seed, struct wstats_shared *shared,
		  uint64_t release_ns);
/* Stop measuring now. */
void wstats_stop(struct wstats *w);

static inline void wstats_units(struct wstats *w, uint64_t n)
{
	w->units += n;
}

/* A checkpoint now / at a given time on a given CPU (tests inject both). */
void wstats_checkpoint(struct wstats *w);
void wstats_checkpoint_at(struct wstats *w, uint64_t now_ns, int cpu);

/* End of one outer iteration: count it, publish progress, checkpoint. */
void wstats_iter(struct wstats *w);

/* Around a voluntary block.  begin returns the time it started; end takes
 * the time the worker should have woken (e.g. begin + sleep length, or the
 * partner's wake stamp), records now - expected as a wake latency, and
 * restarts the gap clock at the expected time. */
uint64_t wstats_block_begin(struct wstats *w);
void wstats_block_end(struct wstats *w, uint64_t expected_wake_ns);
void wstats_block_end_at(struct wstats *w, uint64_t expected_wake_ns, uint64_t now_ns, int cpu);

/* A block cut short by a stop request: no sample, the gap clock restarts now. */
void wstats_block_abort(struct wstats *w);

/* One wake-latency sample (reservoir sampling, exact max and count). */
void wstats_wake_sample(struct wstats *w, uint64_t lat_ns);

/* Nearest-rank percentile (pct 1..100) of n values, sorting v in place. */
uint64_t wstats_percentile(uint64_t *v, size_t n, unsigned pct);

/* Fill the worker-measured fields of a report (the rest is the parent's). */
void wstats_fill(struct wstats *w, struct ktstr_worker_report *rep);

/* /proc/self/schedstat fields 2 and 3 (run delay ns, run count). 0 / -1. */
int wstats_read_schedstat(uint64_t *run_delay_ns, uint64_t *run_count);

#endif /* KTSTR_GUEST_WSTATS_H */
