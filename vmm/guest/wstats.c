// SPDX-License-Identifier: GPL-2.0-only
/*
 * wstats.c — a worker's self-measurement (wstats.h).
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"
#include "wstats.h"

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int wstats_read_schedstat(uint64_t *run_delay_ns, uint64_t *run_count)
{
	char buf[128];
	unsigned long long cpu, delay, count;

	if (guest_read_file("/proc/self/schedstat", buf, sizeof(buf)) < 0)
		return -1;
	if (sscanf(buf, "%llu %llu %llu", &cpu, &delay, &count) != 3)
		return -1;
	*run_delay_ns = delay;
	*run_count = count;
	return 0;
}

void wstats_start(struct wstats *w, uint64_t seed, struct wstats_shared *shared,
		  uint64_t release_ns)
{
	int cpu;

	memset(w, 0, sizeof(*w));
	w->rng = seed | 1;
	w->shared = shared;
	w->have_schedstat = wstats_read_schedstat(&w->run_delay0, &w->run_count0) == 0;
	w->cpu_start_ns = thread_cpu_ns();
	w->start_ns = release_ns ? release_ns : guest_now_ns();
	w->last_ckpt_ns = w->start_ns;
	w->last_cpu = -1;
	cpu = sched_getcpu();
	wstats_checkpoint_at(w, guest_now_ns(), cpu);	/* the wait to first run is a gap */
}

void wstats_stop(struct wstats *w)
{
	wstats_checkpoint(w);
	w->end_ns = guest_now_ns();
	w->cpu_end_ns = thread_cpu_ns();
}

static void note_cpu(struct wstats *w, int cpu)
{
	if (cpu < 0)
		return;
	if (w->last_cpu >= 0 && cpu != w->last_cpu)
		w->migrations++;
	w->last_cpu = cpu;
	ktstr_cpumask_set(&w->used, (unsigned)cpu);
}

void wstats_checkpoint_at(struct wstats *w, uint64_t now_ns, int cpu)
{
	uint64_t gap = now_ns > w->last_ckpt_ns ? now_ns - w->last_ckpt_ns : 0;

	note_cpu(w, cpu);
	if (gap > w->max_gap_ns) {
		w->max_gap_ns = gap;
		w->max_gap_at_ns = now_ns - w->start_ns;
		w->max_gap_cpu = cpu >= 0 ? (uint32_t)cpu : 0;
	}
	w->last_ckpt_ns = now_ns;
}

void wstats_checkpoint(struct wstats *w)
{
	wstats_checkpoint_at(w, guest_now_ns(), sched_getcpu());
}

void wstats_iter(struct wstats *w)
{
	w->iterations++;
	if (w->shared) {
		__atomic_store_n(&w->shared->iterations, w->iterations, __ATOMIC_RELAXED);
		__atomic_store_n(&w->shared->units, w->units, __ATOMIC_RELAXED);
	}
	wstats_checkpoint(w);
}

uint64_t wstats_block_begin(struct wstats *w)
{
	uint64_t now = guest_now_ns();

	wstats_checkpoint_at(w, now, sched_getcpu());
	return now;
}

void wstats_block_end_at(struct wstats *w, uint64_t expected_wake_ns, uint64_t now_ns, int cpu)
{
	/* The gap clock restarts when the worker should have been running
	 * again; a wake-up that came late is scheduling delay and counts. */
	if (expected_wake_ns < w->last_ckpt_ns)
		expected_wake_ns = w->last_ckpt_ns;
	if (expected_wake_ns > now_ns)
		expected_wake_ns = now_ns;
	wstats_wake_sample(w, now_ns - expected_wake_ns);
	w->last_ckpt_ns = expected_wake_ns;
	wstats_checkpoint_at(w, now_ns, cpu);
}

void wstats_block_end(struct wstats *w, uint64_t expected_wake_ns)
{
	wstats_block_end_at(w, expected_wake_ns, guest_now_ns(), sched_getcpu());
}

void wstats_block_abort(struct wstats *w)
{
	w->last_ckpt_ns = guest_now_ns();
}

void wstats_wake_sample(struct wstats *w, uint64_t lat_ns)
{
	w->lat_seen++;
	if (lat_ns > w->lat_max)
		w->lat_max = lat_ns;
	if (w->nlat < WSTATS_RESERVOIR) {
		w->lat[w->nlat++] = lat_ns;
		return;
	}
	/* Algorithm R: keep each of the lat_seen samples with equal chance. */
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	{
		uint64_t j = w->rng % w->lat_seen;

		if (j < WSTATS_RESERVOIR)
			w->lat[j] = lat_ns;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t wstats_percentile(uint64_t *v, size_t n, unsigned pct)
{
	size_t rank;

	if (!n)
		return 0;
	if (pct > 100)
		pct = 100;
	qsort(v, n, sizeof(*v), cmp_u64);
	rank = (pct * n + 99) / 100;	/* ceil(pct/100 * n) */
	if (rank == 0)
		rank = 1;
	return v[rank - 1];
}

void wstats_fill(struct wstats *w, struct ktstr_worker_report *rep)
{
	uint64_t delay, count;

	rep->work_units = w->units;
	rep->iterations = w->iterations;
	rep->wall_time_ns = w->end_ns - w->start_ns;
	rep->cpu_time_ns = w->cpu_end_ns - w->cpu_start_ns;
	rep->off_cpu_ns = rep->wall_time_ns > rep->cpu_time_ns ? rep->wall_time_ns - rep->cpu_time_ns : 0;
	rep->migrations = w->migrations;
	rep->max_gap_ns = w->max_gap_ns;
	rep->max_gap_at_ns = w->max_gap_at_ns;
	rep->max_gap_cpu = w->max_gap_cpu;
	rep->ncpus_used = ktstr_cpumask_count(&w->used);
	ktstr_cpumask_to_bytes(&w->used, rep->cpus_used);
	rep->wake_samples = w->lat_seen;
	rep->wake_lat_max_ns = w->lat_max;
	rep->wake_lat_p50_ns = wstats_percentile(w->lat, w->nlat, 50);
	rep->wake_lat_p99_ns = wstats_percentile(w->lat, w->nlat, 99);
	if (w->have_schedstat && wstats_read_schedstat(&delay, &count) == 0) {
		rep->run_delay_ns = delay - w->run_delay0;
		rep->run_count = count - w->run_count0;
	}
}
