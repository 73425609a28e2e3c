// SPDX-License-Identifier: GPL-2.0-only
/*
 * results.c — worker reports and the test summary (results.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "results.h"

const char *guest_fate_name(unsigned fate)
{
	static const char *const names[] = { "none", "ran", "died", "not_attached", "error_exit" };

	return fate < sizeof(names) / sizeof(names[0]) ? names[fate] : "unknown";
}

static int cmp_worker(const void *a, const void *b)
{
	const struct guest_worker *x = *(const struct guest_worker *const *)a;
	const struct guest_worker *y = *(const struct guest_worker *const *)b;

	if (x->home_cg != y->home_cg)
		return x->home_cg < y->home_cg ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static void say_worker(struct guest *g, const struct ktstr_worker_report *r)
{
	struct ktstr_cpumask used, allowed;
	char u[256], a[256];
	unsigned off_pm = r->wall_time_ns ? (unsigned)(r->off_cpu_ns * 1000u / r->wall_time_ns) : 0;

	ktstr_cpumask_from_bytes(&used, r->cpus_used);
	ktstr_cpumask_from_bytes(&allowed, r->cpus_allowed);
	ktstr_cpumask_format(&used, u, sizeof(u));
	ktstr_cpumask_format(&allowed, a, sizeof(a));
	guest_say(&g->rep,
		  "KTSTR_WORKER cg=%.*s w=%u pid=%u type=%.*s flags=0x%x units=%llu iter=%llu "
		  "cpu_ms=%llu wall_ms=%llu off_cpu=%u.%u%% migr=%llu cpus=%s allowed=%s "
		  "gap_ms=%llu@cpu%u p99_wake_us=%llu run_delay_ms=%llu",
		  (int)KTSTR_NAME_MAX, r->cgroup_name, r->worker, r->pid, (int)KTSTR_NAME_MAX,
		  r->work_type, r->flags, (unsigned long long)r->work_units,
		  (unsigned long long)r->iterations, (unsigned long long)(r->cpu_time_ns / 1000000u),
		  (unsigned long long)(r->wall_time_ns / 1000000u), off_pm / 10, off_pm % 10,
		  (unsigned long long)r->migrations, u, a,
		  (unsigned long long)(r->max_gap_ns / 1000000u), r->max_gap_cpu,
		  (unsigned long long)(r->wake_lat_p99_ns / 1000u),
		  (unsigned long long)(r->run_delay_ns / 1000000u));
}

void guest_results_send(struct guest *g, uint32_t steps_done, uint64_t elapsed_ms)
{
	struct guest_workers *ws = &g->workers;
	const struct guest_worker **order = calloc(ws->n ? ws->n : 1, sizeof(*order));
	struct ktstr_test_summary s;
	size_t i, sent = 0;

	for (i = 0; order && i < ws->n; i++)
		order[i] = &ws->v[i];
	if (order)
		qsort(order, ws->n, sizeof(*order), cmp_worker);
	for (i = 0; order && i < ws->n; i++) {
		if (order[i]->running)	/* cannot happen: every worker is stopped first */
			continue;
		guest_send(&g->rep, KTSTR_MSG_WORKER_REPORT, &order[i]->rep, sizeof(order[i]->rep));
		say_worker(g, &order[i]->rep);
		sent++;
	}
	free(order);

	memset(&s, 0, sizeof(s));
	s.version = KTSTR_REPORT_VERSION;
	s.nworkers = (uint32_t)sent;
	s.ncgroups = g->sc ? g->sc->ncgroups : 0;
	s.steps_done = steps_done;
	s.steps_total = g->sc ? g->sc->nsteps : 0;
	s.sched_fate = g->sched.fate;
	s.sched_exit_status = g->sched.fate == KTSTR_SCHED_DIED ? g->sched.exit_status : 0;
	s.sched_fate_at_ms = g->sched.fate_at_ms;
	s.elapsed_ms = elapsed_ms;
	memcpy(s.sched_ops, g->sched.ops, strnlen(g->sched.ops, sizeof(s.sched_ops) - 1));
	memcpy(s.scx_exit_reason, g->sched.exit_reason,
	       strnlen(g->sched.exit_reason, sizeof(s.scx_exit_reason) - 1));
	guest_send(&g->rep, KTSTR_MSG_TEST_RESULT, &s, sizeof(s));
	guest_say(&g->rep,
		  "KTSTR_SUMMARY workers=%u cgroups=%u steps=%u/%u elapsed_ms=%llu sched=%s ops=%s "
		  "fate_at_ms=%u reason=%s frames_sent=%llu frames_dropped=%llu",
		  s.nworkers, s.ncgroups, s.steps_done, s.steps_total,
		  (unsigned long long)s.elapsed_ms, guest_fate_name(s.sched_fate),
		  s.sched_ops[0] ? s.sched_ops : "-", s.sched_fate_at_ms,
		  s.scx_exit_reason[0] ? s.scx_exit_reason : "-",
		  (unsigned long long)g->rep.sent, (unsigned long long)g->rep.dropped);
}
