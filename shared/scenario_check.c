// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_check.c — semantic validation of a parsed scenario against its
 * topology (cpusets, cgroup lifetimes over the steps, worker counts),
 * command-line overrides, check layering and worker cohorts.
 */
#include "scenario_priv.h"

#include <stdlib.h>
#include <string.h>

void ktstr_checks_defaults(struct ktstr_checks *c)
{
	memset(c, 0, sizeof(*c));
	c->starvation = KTSTR_ON;
	c->fairness = KTSTR_ON;
	c->max_gap = KTSTR_ON;
	c->isolation = KTSTR_OFF;
	c->sched = KTSTR_ON;
	c->spread_set = c->gap_set = true;
	c->spread_bp = KTSTR_CHECK_DEFAULT_SPREAD_BP;
	c->gap_ms = KTSTR_CHECK_DEFAULT_GAP_MS;
}

void ktstr_checks_merge(struct ktstr_checks *dst, const struct ktstr_checks *src)
{
	if (src->starvation)
		dst->starvation = src->starvation;
	if (src->fairness)
		dst->fairness = src->fairness;
	if (src->max_gap)
		dst->max_gap = src->max_gap;
	if (src->isolation)
		dst->isolation = src->isolation;
	if (src->sched)
		dst->sched = src->sched;
	if (src->spread_set) {
		dst->spread_set = true;
		dst->spread_bp = src->spread_bp;
	}
	if (src->gap_set) {
		dst->gap_set = true;
		dst->gap_ms = src->gap_ms;
	}
}

int ktstr_scenario_cgroup_index(const struct ktstr_scenario *sc, const char *name)
{
	for (unsigned i = 0; i < sc->ncgroups && i < KTSTR_SC_MAX_CGROUPS; i++)
		if (!strcmp(sc->cgroups[i].name, name))
			return (int)i;
	return -1;
}

uint32_t ktstr_scenario_hold_ms(const struct ktstr_scenario *sc, unsigned step)
{
	const struct ktstr_hold *h;

	if (step >= sc->nsteps)
		return 0;
	h = &sc->steps[step].hold;
	if (h->kind == KTSTR_HOLD_FRAC)
		return (uint32_t)((uint64_t)sc->duration_ms * h->frac / KTSTR_FRAC_ONE);
	return h->kind == KTSTR_HOLD_FIXED ? h->ms : 0;
}

uint64_t ktstr_scenario_total_ms(const struct ktstr_scenario *sc)
{
	uint64_t t = 0;

	for (unsigned s = 0; s < sc->nsteps; s++) {
		if (sc->steps[s].hold.kind == KTSTR_HOLD_LOOP)
			t = t > sc->duration_ms ? t + sc->steps[s].hold.ms : sc->duration_ms;
		else
			t += ktstr_scenario_hold_ms(sc, s);
	}
	return t;
}

/* ---- lifetime simulation shared by validate and cohorts ---- */

struct sc_sim {
	const struct ktstr_scenario *sc;
	struct ktstr_diag *err;
	bool live[KTSTR_SC_MAX_CGROUPS];
	unsigned gone_line[KTSTR_SC_MAX_CGROUPS];	/* line of its remove_cgroup */
	struct ktstr_cpumask cpus[KTSTR_SC_MAX_CGROUPS];	/* current allowed CPUs */
	uint32_t total;
};

static int sim_need_live(struct sc_sim *m, const struct ktstr_op *op, unsigned cg, unsigned step)
{
	const struct ktstr_sc_cgroup *c = &m->sc->cgroups[cg];

	if (m->live[cg])
		return 0;
	if (m->gone_line[cg])
		return sc_fail_at(m->err, m->sc->file, op->line, "cgroup '%s' does not exist at step %u "
				  "(removed at line %u)", c->name, step + 1, m->gone_line[cg]);
	return sc_fail_at(m->err, m->sc->file, op->line, "cgroup '%s' does not exist at step %u "
			  "(it has start = later: add it with add_cgroup first)", c->name, step + 1);
}

static int sim_add_workers(struct sc_sim *m, unsigned line, uint32_t n)
{
	m->total += n;
	if (m->total > KTSTR_SC_MAX_WORKERS)
		return sc_fail_at(m->err, m->sc->file, line, "too many workers: %u over the run "
				  "(at most %u)", m->total, KTSTR_SC_MAX_WORKERS);
	return 0;
}

static int check_group(const struct ktstr_scenario *sc, struct ktstr_diag *err, unsigned line,
		       const struct ktstr_work *w, uint32_t n, const char *what)
{
	unsigned g = ktstr_work_group_size(w->kind);

	if (n % g)
		return sc_fail_at(err, sc->file, line, "%s: %s pairs its workers, needs an even "
				  "worker count (got %u)", what, ktstr_work_name(w->kind), n);
	return 0;
}

static int sim_op(struct sc_sim *m, struct ktstr_op *op, unsigned step, bool loop)
{
	const struct ktstr_scenario *sc = m->sc;
	struct ktstr_diag d;
	struct ktstr_cpumask t;

	if (loop && (op->kind == KTSTR_OP_ADD_CGROUP || op->kind == KTSTR_OP_REMOVE_CGROUP ||
		     op->kind == KTSTR_OP_SPAWN))
		return sc_fail_at(m->err, sc->file, op->line, "op %s cannot repeat in a loop step",
				  ktstr_op_name(op->kind));
	if (op->kind == KTSTR_OP_ADD_CGROUP) {
		if (m->live[op->a])
			return sc_fail_at(m->err, sc->file, op->line, "cgroup '%s' already exists at step %u "
					  "(add_cgroup needs start = later or a remove_cgroup first)",
					  sc->cgroups[op->a].name, step + 1);
		m->live[op->a] = true;
		m->cpus[op->a] = sc->cgroups[op->a].cpus;
		return sim_add_workers(m, op->line, sc->cgroups[op->a].workers);
	}
	if (sim_need_live(m, op, op->a, step))
		return -1;
	if ((op->kind == KTSTR_OP_SWAP_CPUSETS || op->kind == KTSTR_OP_MOVE_ALL) &&
	    sim_need_live(m, op, op->b, step))
		return -1;
	switch (op->kind) {
	case KTSTR_OP_REMOVE_CGROUP:
		m->live[op->a] = false;
		m->gone_line[op->a] = op->line;
		return 0;
	case KTSTR_OP_SET_CPUSET:
		if (ktstr_cpuset_resolve(&op->cpuset, &sc->topology, &op->cpus, &d))
			return sc_fail_at(m->err, sc->file, op->line, "%s", d.msg);
		m->cpus[op->a] = op->cpus;
		return 0;
	case KTSTR_OP_CLEAR_CPUSET:
		ktstr_topology_all(&sc->topology, &m->cpus[op->a]);
		return 0;
	case KTSTR_OP_SWAP_CPUSETS:
		t = m->cpus[op->a];
		m->cpus[op->a] = m->cpus[op->b];
		m->cpus[op->b] = t;
		return 0;
	case KTSTR_OP_SPAWN:
		if (check_group(sc, m->err, op->line, &op->work, op->count, "spawn"))
			return -1;
		return sim_add_workers(m, op->line, op->count);
	case KTSTR_OP_SET_AFFINITY:
		if (op->affinity.kind == KTSTR_AFF_EXACT) {
			ktstr_topology_all(&sc->topology, &t);
			if (!ktstr_cpumask_subset(&op->affinity.exact, &t))
				return sc_fail_at(m->err, sc->file, op->line, "affinity names CPUs the "
						  "topology does not have (CPUs 0-%u)",
						  ktstr_topology_cpus(&sc->topology) - 1);
		}
		return 0;
	default:
		return 0;
	}
}

static int validate_cgroup(struct ktstr_scenario *sc, struct ktstr_sc_cgroup *cg, struct ktstr_diag *err)
{
	struct ktstr_diag d;
	struct ktstr_cpumask all;
	char what[64];

	if (!cg->workers_explicit)
		cg->workers = sc->workers;
	if (ktstr_cpuset_resolve(&cg->cpuset, &sc->topology, &cg->cpus, &d))
		return sc_fail_at(err, sc->file, cg->cpuset_line, "%s", d.msg);
	snprintf(what, sizeof(what), "cgroup '%s'", cg->name);
	if (check_group(sc, err, cg->line, &cg->work, cg->workers, what))
		return -1;
	if (cg->affinity.kind == KTSTR_AFF_EXACT) {
		ktstr_topology_all(&sc->topology, &all);
		if (!ktstr_cpumask_subset(&cg->affinity.exact, &all))
			return sc_fail_at(err, sc->file, cg->line, "cgroup '%s': affinity names CPUs the "
					  "topology does not have (CPUs 0-%u)", cg->name,
					  ktstr_topology_cpus(&sc->topology) - 1);
		ktstr_cpumask_and(&all, &cg->cpus);
		ktstr_cpumask_and(&all, &cg->affinity.exact);
		if (ktstr_cpumask_empty(&all))
			return sc_fail_at(err, sc->file, cg->line, "cgroup '%s': affinity has no CPU in "
					  "the cgroup's cpuset", cg->name);
	}
	return 0;
}

static int validate_steps(struct ktstr_scenario *sc, struct ktstr_diag *err)
{
	struct sc_sim *m = calloc(1, sizeof(*m));
	int rc = -1;

	if (!m)
		return ktstr_diag_set(err, "%s: out of memory", sc->file);
	m->sc = sc;
	m->err = err;
	for (unsigned c = 0; c < sc->ncgroups; c++) {
		m->live[c] = !sc->cgroups[c].start_later;
		m->cpus[c] = sc->cgroups[c].cpus;
		if (m->live[c] && sim_add_workers(m, sc->cgroups[c].line, sc->cgroups[c].workers))
			goto out;
	}
	for (unsigned s = 0; s < sc->nsteps; s++) {
		struct ktstr_sc_step *st = &sc->steps[s];

		if (st->hold.kind == KTSTR_HOLD_FRAC && !st->hold.frac) {
			sc_fail_at(err, sc->file, st->line, "[step %u] has no hold (e.g. hold = 50%%, 1s, "
				   "full or loop:100ms)", s + 1);
			goto out;
		}
		for (unsigned o = st->first_op; o < st->first_op + st->nops; o++)
			if (sim_op(m, &sc->ops[o], s, st->hold.kind == KTSTR_HOLD_LOOP))
				goto out;
	}
	rc = 0;
out:
	free(m);
	return rc;
}

static int validate_later_added(const struct ktstr_scenario *sc, struct ktstr_diag *err)
{
	for (unsigned c = 0; c < sc->ncgroups; c++) {
		bool added = false;

		if (!sc->cgroups[c].start_later)
			continue;
		for (unsigned o = 0; o < sc->nops; o++)
			added |= sc->ops[o].kind == KTSTR_OP_ADD_CGROUP && sc->ops[o].a == c;
		if (!added)
			return sc_fail_at(err, sc->file, sc->cgroups[c].line, "cgroup '%s' has start = later "
					  "but no add_cgroup op adds it", sc->cgroups[c].name);
	}
	return 0;
}

int ktstr_scenario_validate(struct ktstr_scenario *sc, struct ktstr_diag *err)
{
	struct ktstr_diag d;

	if (ktstr_topology_validate(&sc->topology, &d))
		return sc_fail_at(err, sc->file, 0, "%s", d.msg);
	if (!sc->duration_ms || sc->duration_ms > KTSTR_SC_MAX_DURATION_MS)
		return sc_fail_at(err, sc->file, 0, "duration %ums out of range (1ms-%us)",
				  sc->duration_ms, KTSTR_SC_MAX_DURATION_MS / 1000);
	if (!sc->ncgroups)
		return sc_fail_at(err, sc->file, 0, "no [cgroup NAME] section: a scenario needs at least one cgroup");
	if (!sc->nsteps) {
		sc->implicit_step = true;
		sc->nsteps = 1;
		memset(&sc->steps[0], 0, sizeof(sc->steps[0]));
		sc->steps[0].hold.kind = KTSTR_HOLD_FRAC;
		sc->steps[0].hold.frac = KTSTR_FRAC_ONE;
		sc->steps[0].first_op = sc->nops;
	}
	for (unsigned c = 0; c < sc->ncgroups; c++)
		if (validate_cgroup(sc, &sc->cgroups[c], err))
			return -1;
	if (validate_steps(sc, err))
		return -1;
	return validate_later_added(sc, err);
}

int ktstr_scenario_apply_overrides(struct ktstr_scenario *sc, const struct ktstr_topology *topology,
				   uint32_t duration_ms, uint32_t workers, struct ktstr_diag *err)
{
	struct ktstr_scenario *tmp = malloc(sizeof(*tmp));
	int rc;

	if (!tmp)
		return ktstr_diag_set(err, "%s: out of memory", sc->file);
	memcpy(tmp, sc, sizeof(*tmp));
	if (topology)
		tmp->topology = *topology;
	if (duration_ms)
		tmp->duration_ms = duration_ms;
	if (workers) {
		if (workers > KTSTR_SC_MAX_WORKERS) {
			free(tmp);
			return ktstr_diag_set(err, "workers %u out of range (1-%u)", workers, KTSTR_SC_MAX_WORKERS);
		}
		tmp->workers = workers;
	}
	rc = ktstr_scenario_validate(tmp, err);
	if (!rc)
		memcpy(sc, tmp, sizeof(*sc));
	free(tmp);
	return rc;
}

uint32_t ktstr_scenario_total_workers(const struct ktstr_scenario *sc)
{
	uint32_t n = 0;

	for (unsigned c = 0; c < sc->ncgroups; c++)
		if (!sc->cgroups[c].start_later)
			n += sc->cgroups[c].workers;
	for (unsigned o = 0; o < sc->nops; o++) {
		if (sc->ops[o].kind == KTSTR_OP_ADD_CGROUP)
			n += sc->cgroups[sc->ops[o].a].workers;
		else if (sc->ops[o].kind == KTSTR_OP_SPAWN)
			n += sc->ops[o].count;
	}
	return n;
}
