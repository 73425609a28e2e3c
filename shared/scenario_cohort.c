// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_cohort.c — worker cohorts: the workers of one cgroup spawned
 * by the same event, with the CPUs their cgroups allowed while they ran.
 * The verdict compares fairness within a cohort and checks isolation
 * against its CPUs (see scenario.h for the numbering rules).
 */
#include "scenario_priv.h"

#include <string.h>

struct cohort_sim {
	const struct ktstr_scenario *sc;
	struct ktstr_sc_cohort *out;
	size_t cap, n;
	bool active[KTSTR_SC_MAX_COHORTS];
	uint8_t where[KTSTR_SC_MAX_COHORTS];		/* cgroup it is in now */
	struct ktstr_cpumask cpus[KTSTR_SC_MAX_CGROUPS];
	uint32_t next_worker[KTSTR_SC_MAX_CGROUPS];
};

static int cohort_new(struct cohort_sim *m, unsigned cg, uint32_t n, int step)
{
	struct ktstr_sc_cohort *c;

	if (m->n >= m->cap || m->n >= KTSTR_SC_MAX_COHORTS || m->next_worker[cg] + n > 0xffff)
		return -1;
	c = &m->out[m->n];
	memset(c, 0, sizeof(*c));
	c->cgroup = (uint16_t)cg;
	c->first_worker = (uint16_t)m->next_worker[cg];
	c->nworkers = (uint16_t)n;
	c->start_step = (int16_t)step;
	c->end_step = (int16_t)m->sc->nsteps;
	c->cpus = m->cpus[cg];
	m->where[m->n] = (uint8_t)cg;
	m->active[m->n] = true;
	m->next_worker[cg] += n;
	m->n++;
	return 0;
}

/* The cpuset of cgroup cg changed: widen the cohorts living there. */
static void cohort_widen(struct cohort_sim *m, unsigned cg)
{
	for (size_t i = 0; i < m->n; i++) {
		if (!m->active[i] || m->where[i] != cg)
			continue;
		if (!ktstr_cpumask_subset(&m->cpus[cg], &m->out[i].cpus) ||
		    !ktstr_cpumask_equal(&m->cpus[cg], &m->out[i].cpus))
			m->out[i].cpuset_changed = true;
		ktstr_cpumask_or(&m->out[i].cpus, &m->cpus[cg]);
	}
}

static void cohort_end(struct cohort_sim *m, unsigned cg, int step)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->active[i] && m->where[i] == cg) {
			m->active[i] = false;
			m->out[i].end_step = (int16_t)step;
		}
	}
}

static int cohort_op(struct cohort_sim *m, const struct ktstr_op *op, int step)
{
	const struct ktstr_scenario *sc = m->sc;
	struct ktstr_cpumask t;

	switch (op->kind) {
	case KTSTR_OP_ADD_CGROUP:
		m->cpus[op->a] = sc->cgroups[op->a].cpus;
		return cohort_new(m, op->a, sc->cgroups[op->a].workers, step);
	case KTSTR_OP_REMOVE_CGROUP:
	case KTSTR_OP_STOP:
		cohort_end(m, op->a, step);
		return 0;
	case KTSTR_OP_SET_CPUSET:
		m->cpus[op->a] = op->cpus;
		cohort_widen(m, op->a);
		return 0;
	case KTSTR_OP_CLEAR_CPUSET:
		ktstr_topology_all(&sc->topology, &m->cpus[op->a]);
		cohort_widen(m, op->a);
		return 0;
	case KTSTR_OP_SWAP_CPUSETS:
		t = m->cpus[op->a];
		m->cpus[op->a] = m->cpus[op->b];
		m->cpus[op->b] = t;
		cohort_widen(m, op->a);
		cohort_widen(m, op->b);
		return 0;
	case KTSTR_OP_SPAWN:
		return cohort_new(m, op->a, op->count, step);
	case KTSTR_OP_MOVE_ALL:
		for (size_t i = 0; i < m->n; i++)
			if (m->active[i] && m->where[i] == op->a)
				m->where[i] = op->b;
		cohort_widen(m, op->b);
		return 0;
	default:
		return 0;
	}
}

int ktstr_scenario_cohorts(const struct ktstr_scenario *sc, struct ktstr_sc_cohort *out, size_t cap)
{
	struct cohort_sim m = { .sc = sc, .out = out, .cap = cap };

	if (sc->ncgroups > KTSTR_SC_MAX_CGROUPS || sc->nsteps > KTSTR_SC_MAX_STEPS ||
	    sc->nops > KTSTR_SC_MAX_OPS)
		return -1;
	for (unsigned c = 0; c < sc->ncgroups; c++) {
		m.cpus[c] = sc->cgroups[c].cpus;
		if (!sc->cgroups[c].start_later && cohort_new(&m, c, sc->cgroups[c].workers, -1))
			return -1;
	}
	for (unsigned s = 0; s < sc->nsteps; s++) {
		const struct ktstr_sc_step *st = &sc->steps[s];

		if (st->first_op + st->nops > sc->nops)
			return -1;
		for (unsigned o = st->first_op; o < st->first_op + st->nops; o++) {
			const struct ktstr_op *op = &sc->ops[o];

			if (op->a >= sc->ncgroups || op->b >= sc->ncgroups || cohort_op(&m, op, (int)s))
				return -1;
		}
	}
	return (int)m.n;
}
