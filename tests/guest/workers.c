// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr-init: the work-type table and the worker lifecycle, for real on
 * the host: every type runs 100 ms in forked workers (no cgroups) and must
 * report work; affinity applied before release; killed and stuck workers
 * get synthesized reports.
 */
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "guest.h"
#include "work.h"
#include "worker.h"

static struct guest_children ch;
static struct guest_workers ws;

static struct guest_spawn spawn_req(unsigned kind, uint32_t count, uint32_t first)
{
	struct guest_spawn sp;

	memset(&sp, 0, sizeof(sp));
	sp.cg = 3;
	sp.cg_name = "cg_test";
	sp.work.kind = (uint8_t)kind;
	sp.work.burst_ms = 5;	/* bursty: several burst+sleep rounds in 100 ms */
	sp.work.sleep_ms = 5;
	sp.count = count;
	sp.first_index = first;
	ktstr_cpumask_set(&sp.cg_cpus, 0);
	ktstr_cpumask_set(&sp.cg_cpus, 5);
	return sp;
}

/*
 * Let the workers from index `first` on run 100 ms, and then until each
 * has finished an iteration (bounded: 20 s): on a loaded machine a worker
 * may not get a CPU within the first 100 ms, which is not what we test.
 */
static void wait_progress(size_t first)
{
	uint64_t end = guest_now_ms() + 20000;
	size_t i;

	guest_wait_ms(&ch, -1, 100);
	for (i = first; i < ws.n && guest_now_ms() < end; ) {
		if (__atomic_load_n(&ws.shared[ws.v[i].slot].iterations, __ATOMIC_RELAXED))
			i++;
		else
			guest_wait_ms(&ch, -1, 10);
	}
}

static void test_table(void)
{
	unsigned k;
	int names = 1, groups = 1;

	tap_eq_u64(work_type_count(), KTSTR_WORK_NR, "every work kind has exactly one type");
	for (k = 0; k < KTSTR_WORK_NR; k++) {
		const struct work_type *t = work_type_find(k);

		names &= t && !strcmp(t->name, ktstr_work_name(k)) && work_type_by_name(t->name) == t;
		groups &= t && t->group == ktstr_work_group_size(k);
	}
	tap_ok(names, "type names match the scenario parser's");
	tap_ok(groups, "group sizes match the scenario parser's");
	tap_ok(work_type_find(KTSTR_WORK_NR) == NULL, "an unknown kind is not found");
}

static void test_each_type(void)
{
	unsigned k;

	for (k = 0; k < KTSTR_WORK_NR; k++) {
		const struct work_type *t = work_type_find(k);
		struct guest_spawn sp = spawn_req(k, t->group, 0);
		size_t first = ws.n, i;
		char err[512];
		int ok = 1, blocks = k != KTSTR_WORK_SPIN;

		if (guest_workers_spawn(&ws, &sp, err, sizeof(err))) {
			tap_ok(0, "%s: spawn: %s", t->name, err);
			continue;
		}
		wait_progress(first);
		tap_eq_i64(guest_workers_stop(&ws, 3, 5000), t->group, "%s: %u worker(s) stopped",
			   t->name, t->group);
		for (i = first; i < ws.n; i++) {
			const struct ktstr_worker_report *r = &ws.v[i].rep;

			ok &= r->flags == KTSTR_WR_COMPLETED && r->work_units > 0 && r->iterations > 0 &&
			      r->wall_time_ns > 0 && r->cpu_time_ns > 0 && r->ncpus_used >= 1 &&
			      r->version == KTSTR_REPORT_VERSION && r->cgroup == 3 &&
			      r->worker == i - first && !strcmp(r->cgroup_name, "cg_test") &&
			      !strcmp(r->work_type, t->name) && r->cpus_allowed[0] == 0x21 &&
			      (!blocks || r->wake_samples > 0);
			if (!ok)
				tap_diag("%s worker %zu: flags %u units %llu iter %llu wake %llu", t->name,
					 i - first, r->flags, (unsigned long long)r->work_units,
					 (unsigned long long)r->iterations,
					 (unsigned long long)r->wake_samples);
		}
		tap_ok(ok, "%s: completed reports with work%s", t->name,
		       blocks ? " and wake-latency samples" : "");
	}
}

static void test_affinity_before_start(void)
{
	struct guest_spawn sp = spawn_req(KTSTR_WORK_SPIN, 1, 0);
	const struct ktstr_worker_report *r;
	char err[512];

	sp.affinity.kind = KTSTR_AFF_EXACT;
	ktstr_cpumask_set(&sp.affinity.exact, 0);
	if (guest_workers_spawn(&ws, &sp, err, sizeof(err))) {
		tap_ok(0, "spawn pinned: %s", err);
		return;
	}
	wait_progress(ws.n - 1);
	guest_workers_stop(&ws, -1, 5000);
	r = &ws.v[ws.n - 1].rep;
	tap_ok(r->ncpus_used == 1 && r->cpus_used[0] == 1,
	       "a worker pinned to CPU 0 never ran elsewhere (affinity set before release)");
}

static void test_synthesized(void)
{
	struct guest_spawn sp = spawn_req(KTSTR_WORK_SPIN, 2, 10);
	struct guest_worker *a, *b;
	char err[512];

	if (guest_workers_spawn(&ws, &sp, err, sizeof(err))) {
		tap_ok(0, "spawn: %s", err);
		return;
	}
	a = &ws.v[ws.n - 2];
	b = &ws.v[ws.n - 1];
	wait_progress(ws.n - 2);
	kill(a->pid, SIGKILL);		/* dies before the stop */
	kill(b->pid, SIGSTOP);		/* cannot answer SIGUSR1 */
	guest_workers_stop(&ws, -1, 300);
	tap_eq_u64(a->rep.flags, KTSTR_WR_SIGNALED, "killed worker: SIGNALED report");
	tap_eq_u64(b->rep.flags, KTSTR_WR_TIMED_OUT, "stuck worker: TIMED_OUT report after SIGKILL");
	tap_ok(b->rep.iterations > 0 && b->rep.work_units > 0 && b->rep.wall_time_ns > 0,
	       "synthesized report carries the shared progress counters");
	tap_ok(a->rep.worker == 10 && b->rep.worker == 11 && b->rep.pid == (uint32_t)b->pid,
	       "synthesized reports keep their identity");
	tap_eq_u64(guest_workers_running_in(&ws, -1), 0, "nothing left running");
}

static void test_bad_spawns(void)
{
	struct guest_spawn sp = spawn_req(KTSTR_WORK_PIPE_IO, 3, 0);
	char err[512];

	tap_ok(guest_workers_spawn(&ws, &sp, err, sizeof(err)) == -1, "odd count for a pair type");
	tap_has_str(err, "multiple of 2", "the error says why");
	sp = spawn_req(KTSTR_WORK_NR, 1, 0);
	tap_ok(guest_workers_spawn(&ws, &sp, err, sizeof(err)) == -1, "unknown work type rejected");
}

int main(void)
{
	if (guest_workers_init(&ws, &ch, -1, "/tmp"))
		tap_skip_all("no shared memory for worker counters");
	tap_plan(4 + 2 * KTSTR_WORK_NR + 1 + 5 + 3);
	test_table();
	test_each_type();
	test_affinity_before_start();
	test_synthesized();
	test_bad_spawns();
	guest_workers_free(&ws);
	guest_children_free(&ch);
	return tap_done();
}
