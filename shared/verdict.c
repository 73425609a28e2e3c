// SPDX-License-Identifier: GPL-2.0-only
/*
 * verdict.c — the checks: starvation, fairness spread per cohort, maximum
 * scheduling gap (scaled by the backend's time factor, shown in the
 * message), cpuset isolation, and the scheduler's fate.  See verdict.h and
 * docs/scenarios.md for thresholds and wording.
 */
#include "verdict_priv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include <ktstr/topology.h>

double ktstr_backend_time_factor(const char *backend)
{
	if (!backend)
		return 1.0;
	if (!strcasecmp(backend, "qemu") || !strcasecmp(backend, "qemu-tcg") || !strcasecmp(backend, "tcg"))
		return KTSTR_TIME_FACTOR_QEMU_TCG;
	return KTSTR_TIME_FACTOR_KVM;	/* kvm, qemu-kvm, unknown */
}

static const char *cg_name(const struct vd_ctx *c, unsigned cg)
{
	return c->sc->cgroups[cg].name;
}

static void check_worker_flags(struct vd_ctx *c, const struct ktstr_worker_report *r)
{
	if (r->flags & KTSTR_WR_SIGNALED)
		vd_add(c->v, KTSTR_DETAIL_OTHER, r->cgroup, r->worker, r->pid, 0, 0,
		       "worker %u (pid %u) in cgroup %s died from a signal", r->worker, r->pid,
		       cg_name(c, r->cgroup));
	if (r->flags & KTSTR_WR_TIMED_OUT)
		vd_add(c->v, KTSTR_DETAIL_STUCK, r->cgroup, r->worker, r->pid, 0, 0,
		       "worker %u (pid %u) in cgroup %s did not report in time and was killed",
		       r->worker, r->pid, cg_name(c, r->cgroup));
}

static void check_starved(struct vd_ctx *c, const struct ktstr_worker_report *r)
{
	if (c->chk.starvation != KTSTR_ON || r->work_units)
		return;
	vd_add(c->v, KTSTR_DETAIL_STARVED, r->cgroup, r->worker, r->pid, 0, 1,
	       "worker %u (pid %u) in cgroup %s made no progress (0 work units)", r->worker, r->pid,
	       cg_name(c, r->cgroup));
	vd_set_unit(c->v, "units", -1);
}

static void check_gap(struct vd_ctx *c, const struct ktstr_worker_report *r)
{
	uint64_t gap = r->max_gap_ns / 1000000, thr = c->v->gap_threshold_ms;
	char how[96] = "";

	if (c->chk.max_gap != KTSTR_ON || gap <= thr)
		return;
	if (c->factor != 1.0)
		snprintf(how, sizeof(how), " = %ums x %.2g for %s", c->chk.gap_ms, c->factor, c->backend);
	vd_add(c->v, KTSTR_DETAIL_STUCK, r->cgroup, r->worker, r->pid, (double)gap, (double)thr,
	       "worker %u (pid %u) in cgroup %s stuck %llums on cpu%u at +%llums (threshold %llums%s)",
	       r->worker, r->pid, cg_name(c, r->cgroup), (unsigned long long)gap, r->max_gap_cpu,
	       (unsigned long long)(r->max_gap_at_ns / 1000000), (unsigned long long)thr, how);
	vd_set_unit(c->v, "ms", (int)r->max_gap_cpu);
}

static void check_isolation(struct vd_ctx *c, const struct ktstr_worker_report *r, int cohort)
{
	const struct ktstr_cpumask *allowed = &c->cohorts[cohort].cpus;
	struct ktstr_cpumask used, out;
	char a[1024], b[1024];

	if (c->chk.isolation != KTSTR_ON)
		return;
	ktstr_cpumask_from_bytes(&used, r->cpus_used);
	out = used;
	ktstr_cpumask_andnot(&out, allowed);
	if (ktstr_cpumask_empty(&out))
		return;
	ktstr_cpumask_format(&out, a, sizeof(a));
	ktstr_cpumask_format(allowed, b, sizeof(b));
	vd_add(c->v, KTSTR_DETAIL_ISOLATION, r->cgroup, r->worker, r->pid, ktstr_cpumask_count(&out), 0,
	       "worker %u (pid %u) in cgroup %s ran on CPUs {%.60s} outside its cpuset {%.60s}", r->worker,
	       r->pid, cg_name(c, r->cgroup), a, b);
	vd_set_unit(c->v, "cpus", ktstr_cpumask_next(&out, 0));
}

struct vd_cohort_stat {
	unsigned n;
	double lo, hi;
	struct ktstr_cpumask used;
};

static void fairness_cohort(struct vd_ctx *c, int h, const struct vd_cohort_stat *st)
{
	const struct ktstr_sc_cohort *co = &c->cohorts[h];
	struct ktstr_cgroup_stats *g = &c->v->cgroups[co->cgroup];
	double spread = st->hi - st->lo, thr = c->chk.spread_bp / 100.0;
	char which[96] = "";
	bool alone = true;

	if (st->n < 2)
		return;
	if (spread > g->spread_pct) {
		g->spread_pct = spread;
		g->min_off_pct = st->lo;
		g->max_off_pct = st->hi;
	}
	if (c->chk.fairness != KTSTR_ON || spread <= thr)
		return;
	for (int i = 0; i < c->ncohorts; i++)
		alone &= i == h || c->cohorts[i].cgroup != co->cgroup;
	if (!alone && co->start_step < 0)
		snprintf(which, sizeof(which), " [workers %u-%u, started with the cgroup]",
			 co->first_worker, co->first_worker + co->nworkers - 1);
	else if (!alone)
		snprintf(which, sizeof(which), " [workers %u-%u, spawned at step %d]",
			 co->first_worker, co->first_worker + co->nworkers - 1, co->start_step + 1);
	vd_add(c->v, KTSTR_DETAIL_UNFAIR, co->cgroup, -1, 0, spread, thr,
	       "unfair cgroup %s: spread=%.1f%% (%.1f-%.1f%%) %u workers on %u cpus (threshold %g%%)%s",
	       cg_name(c, co->cgroup), spread, st->lo, st->hi, st->n, ktstr_cpumask_count(&st->used), thr,
	       which);
	vd_set_unit(c->v, "%", -1);
}

static void check_fairness(struct vd_ctx *c, struct vd_cohort_stat *st)
{
	const struct ktstr_worker_report *reps = c->in->reports;

	for (size_t i = 0; i < c->nreports; i++) {
		struct vd_cohort_stat *s;
		double pct;

		if (!c->valid[i] || !reps[i].wall_time_ns)
			continue;
		s = &st[c->cohort_of[i]];
		pct = 100.0 * (double)reps[i].off_cpu_ns / (double)reps[i].wall_time_ns;
		if (!s->n || pct < s->lo)
			s->lo = pct;
		if (!s->n || pct > s->hi)
			s->hi = pct;
		s->n++;
		struct ktstr_cpumask used;
		ktstr_cpumask_from_bytes(&used, reps[i].cpus_used);
		ktstr_cpumask_or(&s->used, &used);
	}
	for (int h = 0; h < c->ncohorts; h++)
		fairness_cohort(c, h, &st[h]);
}

static void check_sched(struct vd_ctx *c)
{
	const struct ktstr_test_summary *s = c->in->summary;
	char reason[sizeof(s->scx_exit_reason) + 1], how[64], when[96];

	if (c->chk.sched != KTSTR_ON || !s)
		return;
	memcpy(reason, s->scx_exit_reason, sizeof(s->scx_exit_reason));
	reason[sizeof(s->scx_exit_reason)] = '\0';
	for (char *p = reason; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	snprintf(when, sizeof(when), "%.1fs into the test, after completing step %u of %u",
		 s->sched_fate_at_ms / 1000.0, s->steps_done, s->steps_total);
	switch (s->sched_fate) {
	case KTSTR_SCHED_NONE:
		if (c->in->expect_sched)
			vd_add(c->v, KTSTR_DETAIL_SCHED_NOT_ATTACHED, -1, -1, 0, 0, 0,
			       "scheduler was requested but the guest ran without one");
		return;
	case KTSTR_SCHED_RAN:
		return;
	case KTSTR_SCHED_DIED:
		if (WIFSIGNALED(s->sched_exit_status))
			snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(s->sched_exit_status));
		else
			snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(s->sched_exit_status));
		vd_add(c->v, KTSTR_DETAIL_SCHED_DIED, -1, -1, 0, s->sched_fate_at_ms, 0,
		       "scheduler process died unexpectedly during workload (%s; %s)", when, how);
		return;
	case KTSTR_SCHED_NOT_ATTACHED:
		vd_add(c->v, KTSTR_DETAIL_SCHED_NOT_ATTACHED, -1, -1, 0, 0, 0,
		       "scheduler did not attach%s%s", reason[0] ? ": " : "", reason);
		return;
	case KTSTR_SCHED_ERROR_EXIT:
		vd_add(c->v, KTSTR_DETAIL_SCHED_ERROR, -1, -1, 0, s->sched_fate_at_ms, 0,
		       "sched_ext disabled the scheduler (%s): %s", when, reason[0] ? reason : "no reason given");
		return;
	default:
		vd_add(c->v, KTSTR_DETAIL_GUEST_DATA, -1, -1, 0, s->sched_fate, 0,
		       "guest data: unknown scheduler fate %u", s->sched_fate);
	}
}

static void collect_stats(struct vd_ctx *c)
{
	const struct ktstr_worker_report *reps = c->in->reports;
	struct ktstr_verdict *v = c->v;
	struct ktstr_cpumask all_used, cg_used[KTSTR_SC_MAX_CGROUPS];

	memset(&all_used, 0, sizeof(all_used));
	memset(cg_used, 0, sizeof(cg_used));
	for (size_t i = 0; i < c->nreports; i++) {
		const struct ktstr_worker_report *r = &reps[i];
		struct ktstr_cgroup_stats *g;
		struct ktstr_cpumask used;

		if (!c->valid[i])
			continue;
		g = &v->cgroups[r->cgroup];
		ktstr_cpumask_from_bytes(&used, r->cpus_used);
		ktstr_cpumask_or(&cg_used[r->cgroup], &used);
		ktstr_cpumask_or(&all_used, &used);
		g->workers++;
		g->migrations += r->migrations;
		g->iterations += r->iterations;
		g->work_units += r->work_units;
		if (r->max_gap_ns / 1000000 > g->worst_gap_ms)
			g->worst_gap_ms = r->max_gap_ns / 1000000;
		v->workers++;
		v->migrations += r->migrations;
		if (g->worst_gap_ms > v->worst_gap_ms)
			v->worst_gap_ms = g->worst_gap_ms;
	}
	for (unsigned g = 0; g < v->ncgroups; g++) {
		v->cgroups[g].cpus = ktstr_cpumask_count(&cg_used[g]);
		if (v->cgroups[g].spread_pct > v->worst_spread_pct)
			v->worst_spread_pct = v->cgroups[g].spread_pct;
	}
	v->cpus = ktstr_cpumask_count(&all_used);
}

static void verdict_init(struct vd_ctx *c, const struct ktstr_verdict_input *in, struct ktstr_verdict *v)
{
	const struct ktstr_scenario *sc = in->sc;

	memset(v, 0, sizeof(*v));
	v->passed = true;
	v->worst_spread_pct = -1;
	v->ncgroups = sc->ncgroups <= KTSTR_SC_MAX_CGROUPS ? sc->ncgroups : KTSTR_SC_MAX_CGROUPS;
	for (unsigned g = 0; g < v->ncgroups; g++) {
		snprintf(v->cgroups[g].name, sizeof(v->cgroups[g].name), "%s", sc->cgroups[g].name);
		v->cgroups[g].spread_pct = -1;
	}
	c->in = in;
	c->sc = sc;
	c->v = v;
	ktstr_checks_defaults(&c->chk);
	if (in->checks)
		c->chk = *in->checks;
	else
		ktstr_checks_merge(&c->chk, &sc->checks);
	c->backend = in->backend ? in->backend : "unknown backend";
	c->factor = in->time_factor > 0 ? in->time_factor : ktstr_backend_time_factor(in->backend);
	v->time_factor = c->factor;
	v->gap_threshold_ms = (uint32_t)(c->chk.gap_ms * c->factor + 0.5);
	c->nreports = in->reports ? in->nreports : 0;
	if (c->nreports > sizeof(c->valid) / sizeof(c->valid[0]))
		c->nreports = sizeof(c->valid) / sizeof(c->valid[0]);
}

int ktstr_verdict_judge(const struct ktstr_verdict_input *in, struct ktstr_verdict *out)
{
	struct vd_ctx *c;
	struct vd_cohort_stat *st;

	if (!in || !in->sc || !out)
		return -1;
	c = calloc(1, sizeof(*c));
	st = calloc(KTSTR_SC_MAX_COHORTS, sizeof(*st));
	if (!c || !st) {
		free(c);
		free(st);
		return -1;
	}
	verdict_init(c, in, out);
	c->ncohorts = ktstr_scenario_cohorts(in->sc, c->cohorts, KTSTR_SC_MAX_COHORTS);
	if (c->ncohorts < 0) {
		c->ncohorts = 0;
		vd_add(out, KTSTR_DETAIL_OTHER, -1, -1, 0, 0, 0, "scenario is inconsistent (not validated?)");
	}
	vd_check_guest_data(c);
	check_sched(c);
	for (size_t i = 0; i < c->nreports; i++) {
		if (!c->valid[i])
			continue;
		check_worker_flags(c, &in->reports[i]);
		check_starved(c, &in->reports[i]);
		check_gap(c, &in->reports[i]);
		check_isolation(c, &in->reports[i], c->cohort_of[i]);
	}
	check_fairness(c, st);
	collect_stats(c);
	free(st);
	free(c);
	return out->passed ? 0 : 1;
}
