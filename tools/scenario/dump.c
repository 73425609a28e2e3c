// SPDX-License-Identifier: GPL-2.0-only
/*
 * dump.c — `ktstr-scenario show`: the normalized text of a parsed
 * scenario.  The output is itself a valid scenario file (resolved CPU
 * sets and defaults appear as comments), so show | check round-trips.
 */
#include "scenario_cli.h"

#include <stdio.h>
#include <string.h>

static void frac_pct(uint32_t frac, char *buf, size_t len)
{
	/* millionths -> percent with up to 4 decimals, trailing zeros cut */
	int n = snprintf(buf, len, "%u.%04u", frac / 10000, frac % 10000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static void dump_cgroup(FILE *f, const struct ktstr_scenario *sc, const struct ktstr_sc_cgroup *cg)
{
	char spec[128], cpus[1024], work[96];

	ktstr_cpuset_spec_format(&cg->cpuset, spec, sizeof(spec));
	ktstr_cpumask_format(&cg->cpus, cpus, sizeof(cpus));
	ktstr_work_format(&cg->work, work, sizeof(work));
	fprintf(f, "\n[cgroup %s]\n", cg->name);
	if (cg->workers_explicit)
		fprintf(f, "workers = %u\n", cg->workers);
	else
		fprintf(f, "# workers = %u (scenario default)\n", cg->workers);
	fprintf(f, "work = %s\n", work);
	fprintf(f, "cpuset = %s # cpus %s\n", spec, cpus);
	if (cg->affinity.kind == KTSTR_AFF_EXACT) {
		ktstr_cpumask_format(&cg->affinity.exact, cpus, sizeof(cpus));
		fprintf(f, "affinity = %s\n", cpus);
	} else {
		fprintf(f, "affinity = %s\n", ktstr_affinity_name(cg->affinity.kind));
	}
	if (cg->policy.kind >= KTSTR_POLICY_FIFO)
		fprintf(f, "policy = %s:%u\n", ktstr_policy_name(cg->policy.kind), cg->policy.prio);
	else
		fprintf(f, "policy = %s\n", ktstr_policy_name(cg->policy.kind));
	fprintf(f, "nice = %d\n", cg->nice);
	fprintf(f, "start = %s\n", cg->start_later ? "later" : "now");
	(void)sc;
}

static void dump_op(FILE *f, const struct ktstr_scenario *sc, const struct ktstr_op *op)
{
	char a[128], cpus[1024];
	const char *an = sc->cgroups[op->a].name, *bn = sc->cgroups[op->b].name;

	fprintf(f, "op = %s %s", ktstr_op_name(op->kind), an);
	switch (op->kind) {
	case KTSTR_OP_SET_CPUSET:
		ktstr_cpuset_spec_format(&op->cpuset, a, sizeof(a));
		ktstr_cpumask_format(&op->cpus, cpus, sizeof(cpus));
		fprintf(f, " %s # cpus %s", a, cpus);
		break;
	case KTSTR_OP_SWAP_CPUSETS:
	case KTSTR_OP_MOVE_ALL:
		fprintf(f, " %s", bn);
		break;
	case KTSTR_OP_SPAWN:
		ktstr_work_format(&op->work, a, sizeof(a));
		fprintf(f, " %s %u", a, op->count);
		break;
	case KTSTR_OP_SET_AFFINITY:
		if (op->affinity.kind == KTSTR_AFF_EXACT)
			ktstr_cpumask_format(&op->affinity.exact, a, sizeof(a));
		fprintf(f, " %s", op->affinity.kind == KTSTR_AFF_EXACT ? a :
			ktstr_affinity_name(op->affinity.kind));
		break;
	default:
		break;
	}
	fputc('\n', f);
}

static void dump_step(FILE *f, const struct ktstr_scenario *sc, unsigned s)
{
	const struct ktstr_sc_step *st = &sc->steps[s];
	char pct[32];

	fprintf(f, "\n[step %u]\n", s + 1);
	switch (st->hold.kind) {
	case KTSTR_HOLD_FRAC:
		frac_pct(st->hold.frac, pct, sizeof(pct));
		fprintf(f, "hold = %s%% # %ums\n", pct, ktstr_scenario_hold_ms(sc, s));
		break;
	case KTSTR_HOLD_FIXED:
		fprintf(f, "hold = %ums\n", st->hold.ms);
		break;
	default:
		fprintf(f, "hold = loop:%ums\n", st->hold.ms);
		break;
	}
	for (unsigned o = st->first_op; o < st->first_op + st->nops; o++)
		dump_op(f, sc, &sc->ops[o]);
}

static void dump_tri(FILE *f, const char *key, uint8_t written, uint8_t eff)
{
	if (written)
		fprintf(f, "%s = %s\n", key, written == KTSTR_ON ? "on" : "off");
	else
		fprintf(f, "# %s = %s (default)\n", key, eff == KTSTR_ON ? "on" : "off");
}

static void dump_checks(FILE *f, const struct ktstr_checks *w)
{
	struct ktstr_checks eff;

	ktstr_checks_defaults(&eff);
	ktstr_checks_merge(&eff, w);
	fprintf(f, "\n[checks]\n");
	dump_tri(f, "starvation", w->starvation, eff.starvation);
	dump_tri(f, "fairness", w->fairness, eff.fairness);
	fprintf(f, "%sfairness_spread = %u.%02u%%%s\n", w->spread_set ? "" : "# ",
		eff.spread_bp / 100, eff.spread_bp % 100, w->spread_set ? "" : " (default)");
	dump_tri(f, "max_gap", w->max_gap, eff.max_gap);
	fprintf(f, "%smax_gap = %ums%s\n", w->gap_set ? "" : "# ", eff.gap_ms,
		w->gap_set ? "" : " (default, before the backend factor)");
	dump_tri(f, "isolation", w->isolation, eff.isolation);
	dump_tri(f, "sched", w->sched, eff.sched);
}

/* Quote a value unless it holds a '"' itself (the grammar has no escapes). */
static void dump_str(FILE *f, const char *key, const char *v)
{
	fprintf(f, strchr(v, '"') ? "%s = %s\n" : "%s = \"%s\"\n", key, v);
}

void cli_dump(FILE *f, const struct ktstr_scenario *sc)
{
	char topo[KTSTR_TOPO_STR_MAX], usable[1024];
	struct ktstr_cpumask m;

	ktstr_topology_format(&sc->topology, topo, sizeof(topo));
	ktstr_topology_usable(&sc->topology, &m);
	ktstr_cpumask_format(&m, usable, sizeof(usable));
	fprintf(f, "# %s (normalized by ktstr-scenario show)\n[scenario]\n", sc->name);
	if (sc->description[0])
		dump_str(f, "description", sc->description);
	fprintf(f, "topology = %s # %u cpus, usable %s\n", topo, ktstr_topology_cpus(&sc->topology), usable);
	fprintf(f, "duration = %ums\n", sc->duration_ms);
	fprintf(f, "workers = %u\n", sc->workers);
	if (sc->scheduler[0])
		dump_str(f, "scheduler", sc->scheduler);
	if (sc->sched_args[0])
		dump_str(f, "sched_args", sc->sched_args);
	fprintf(f, "# %u workers over the run, about %llums\n", ktstr_scenario_total_workers(sc),
		(unsigned long long)ktstr_scenario_total_ms(sc));
	for (unsigned c = 0; c < sc->ncgroups; c++)
		dump_cgroup(f, sc, &sc->cgroups[c]);
	if (!sc->implicit_step)
		for (unsigned s = 0; s < sc->nsteps; s++)
			dump_step(f, sc, s);
	dump_checks(f, &sc->checks);
}
