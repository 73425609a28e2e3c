// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_run.c — the step loop (scenario_run.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "guest.h"
#include "scenario_run.h"

#define TICK_MS 50u

struct op_err {
	char msg[512];
};

static const char *cg_name(const struct guest *g, unsigned i)
{
	return g->sc->cgroups[i].name;
}

static int spawn(struct guest *g, unsigned cg, const struct ktstr_work *work, uint32_t count,
		 struct op_err *e)
{
	const struct ktstr_sc_cgroup *c = &g->sc->cgroups[cg];
	struct guest_spawn sp;
	char procs[256];

	if (!count)
		return 0;
	guest_cg_procs_path(g->cg_root, c->name, procs, sizeof(procs));
	memset(&sp, 0, sizeof(sp));
	sp.cg = (uint16_t)cg;
	sp.cg_name = c->name;
	sp.procs_path = procs;
	sp.work = *work;
	sp.count = count;
	sp.first_index = g->cg[cg].next_worker;
	sp.affinity = c->affinity;
	sp.policy = c->policy;
	sp.nice = c->nice;
	sp.cg_cpus = g->cg[cg].cpus;
	if (guest_workers_spawn(&g->workers, &sp, e->msg, sizeof(e->msg)))
		return -1;
	g->cg[cg].next_worker += count;
	return 0;
}

static int set_cpus(struct guest *g, unsigned cg, const struct ktstr_cpumask *m, struct op_err *e)
{
	struct guest_cg_state *s = &g->cg[cg];

	if (guest_cg_set_cpus(g->cg_root, cg_name(g, cg), m, e->msg, sizeof(e->msg)))
		return -1;
	s->has_cpuset = m != NULL;
	s->cpus = m ? *m : g->all_cpus;
	guest_workers_allow(&g->workers, (int)cg, &s->cpus);
	return 0;
}

static int add_cgroup(struct guest *g, unsigned cg, struct op_err *e)
{
	const struct ktstr_sc_cgroup *c = &g->sc->cgroups[cg];

	if (guest_cg_create(g->cg_root, c->name, e->msg, sizeof(e->msg)))
		return -1;
	g->cg[cg].exists = true;
	g->cg[cg].has_cpuset = false;
	g->cg[cg].cpus = g->all_cpus;
	if (c->cpuset.kind != KTSTR_CPUSET_NONE && set_cpus(g, cg, &c->cpus, e))
		return -1;
	return spawn(g, cg, &c->work, c->workers, e);
}

static int remove_cgroup(struct guest *g, unsigned cg, struct op_err *e)
{
	guest_workers_stop(&g->workers, (int)cg, g->args.stop_timeout_ms);
	if (guest_cg_remove(g->cg_root, cg_name(g, cg), e->msg, sizeof(e->msg)))
		return -1;
	g->cg[cg].exists = false;
	return 0;
}

static int swap_cpusets(struct guest *g, unsigned a, unsigned b, struct op_err *e)
{
	struct guest_cg_state sa = g->cg[a], sb = g->cg[b];

	if (set_cpus(g, a, sb.has_cpuset ? &sb.cpus : NULL, e))
		return -1;
	return set_cpus(g, b, sa.has_cpuset ? &sa.cpus : NULL, e);
}

/* The CPU pid last ran on (/proc/PID/stat field 39), or -1. */
static int last_cpu_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	int field = 2, cpu = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (guest_read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return -1;
	for (p++; *p && field < 39; p++)
		if (*p == ' ')
			field++;
	if (field == 39)
		sscanf(p, "%d", &cpu);
	return cpu;
}

static int set_affinity(struct guest *g, unsigned cg, const struct ktstr_affinity *a,
			struct op_err *e)
{
	size_t i;

	for (i = 0; i < g->workers.n; i++) {
		struct guest_worker *w = &g->workers.v[i];
		struct ktstr_cpumask m;
		cpu_set_t set;
		int cpu;

		if (!w->running || w->cur_cg != cg)
			continue;
		if (a->kind == KTSTR_AFF_LLC) {
			cpu = last_cpu_of(w->pid);
			if (cpu < 0 || (unsigned)cpu >= ktstr_topology_cpus(&g->topo))
				continue;
			ktstr_topology_llc_mask(&g->topo, ktstr_topology_cpu_llc(&g->topo, (unsigned)cpu), &m);
		} else if (!guest_affinity_resolve(a, &g->cg[cg].cpus, &g->topo, w->index, &g->rng, &m)) {
			ktstr_cpumask_zero(&m);	/* inherit: allow everything again */
			ktstr_cpumask_or(&m, &g->all_cpus);
		}
		CPU_ZERO(&set);
		for (cpu = ktstr_cpumask_next(&m, 0); cpu >= 0; cpu = ktstr_cpumask_next(&m, (unsigned)cpu + 1))
			CPU_SET((unsigned)cpu, &set);
		if (sched_setaffinity(w->pid, sizeof(set), &set) && errno != ESRCH) {
			snprintf(e->msg, sizeof(e->msg), "sched_setaffinity(%d): %s", (int)w->pid,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int move_all(struct guest *g, unsigned from, unsigned to, struct op_err *e)
{
	size_t i;

	for (i = 0; i < g->workers.n; i++) {
		struct guest_worker *w = &g->workers.v[i];

		if (!w->running || w->cur_cg != from)
			continue;
		if (guest_cg_move(g->cg_root, cg_name(g, to), w->pid, e->msg, sizeof(e->msg))) {
			if (kill(w->pid, 0) && errno == ESRCH)
				continue;	/* died meanwhile: reported at stop */
			return -1;
		}
		w->cur_cg = (uint16_t)to;
		ktstr_cpumask_or(&w->allowed, &g->cg[to].cpus);
	}
	return 0;
}

static int op_apply(struct guest *g, const struct ktstr_op *op, struct op_err *e)
{
	switch (op->kind) {
	case KTSTR_OP_ADD_CGROUP:    return add_cgroup(g, op->a, e);
	case KTSTR_OP_REMOVE_CGROUP: return remove_cgroup(g, op->a, e);
	case KTSTR_OP_SET_CPUSET:    return set_cpus(g, op->a, &op->cpus, e);
	case KTSTR_OP_CLEAR_CPUSET:  return set_cpus(g, op->a, NULL, e);
	case KTSTR_OP_SWAP_CPUSETS:  return swap_cpusets(g, op->a, op->b, e);
	case KTSTR_OP_SPAWN:	     return spawn(g, op->a, &op->work, op->count, e);
	case KTSTR_OP_STOP:
		guest_workers_stop(&g->workers, op->a, g->args.stop_timeout_ms);
		return 0;
	case KTSTR_OP_SET_AFFINITY:  return set_affinity(g, op->a, &op->affinity, e);
	case KTSTR_OP_MOVE_ALL:	     return move_all(g, op->a, op->b, e);
	}
	snprintf(e->msg, sizeof(e->msg), "op kind %u not supported by ktstr-init", op->kind);
	return -1;
}

static int step_ops(struct guest *g, unsigned step)
{
	const struct ktstr_sc_step *st = &g->sc->steps[step];
	struct op_err e;
	unsigned i;

	for (i = 0; i < st->nops; i++) {
		const struct ktstr_op *op = &g->sc->ops[st->first_op + i];
		char why[1100];

		if (op_apply(g, op, &e) == 0)
			continue;
		snprintf(why, sizeof(why), "%s:%u: step %u op %s: %s", g->sc->file, op->line, step,
			 ktstr_op_name(op->kind), e.msg);
		guest_life(&g->rep, KTSTR_LIFE_INIT_ERROR, why);
		return -1;
	}
	return 0;
}

static void send_stim(struct guest *g, unsigned step)
{
	const struct ktstr_sc_step *st = &g->sc->steps[step];
	struct ktstr_stimulus s;
	unsigned i, ncg = 0;

	memset(&s, 0, sizeof(s));
	s.elapsed_ms = (uint32_t)((guest_now_ns() - g->start_ns) / 1000000u);
	s.step_index = (uint16_t)step;
	s.op_count = st->nops;
	for (i = 0; i < st->nops; i++)
		s.op_kinds |= 1u << g->sc->ops[st->first_op + i].kind;
	for (i = 0; i < g->sc->ncgroups; i++)
		ncg += g->cg[i].exists;
	s.cgroup_count = (uint16_t)ncg;
	s.worker_count = (uint16_t)guest_workers_running_in(&g->workers, -1);
	s.total_iterations = guest_workers_total_iterations(&g->workers);
	guest_send(&g->rep, KTSTR_MSG_STIMULUS, &s, sizeof(s));
}

/* Hold until end_ns; a loop hold re-applies the step's ops every interval. */
static int hold(struct guest *g, unsigned step, uint64_t end_ns)
{
	const struct ktstr_sc_step *st = &g->sc->steps[step];
	uint64_t next_loop = st->hold.kind == KTSTR_HOLD_LOOP
				     ? guest_now_ns() + (uint64_t)st->hold.ms * 1000000u : UINT64_MAX;

	while (!g->stop_req) {
		uint64_t now = guest_now_ns(), until = end_ns < next_loop ? end_ns : next_loop;

		if (now >= end_ns)
			break;
		if (now >= next_loop) {
			if (step_ops(g, step))
				return -1;
			next_loop += (uint64_t)st->hold.ms * 1000000u;
			continue;
		}
		uint64_t left_ms = (until - now + 999999u) / 1000000u;

		guest_tick(g, left_ms < TICK_MS ? (unsigned)left_ms : TICK_MS);
	}
	return 0;
}

int guest_scenario_run(struct guest *g, uint32_t *steps_done, uint64_t *elapsed_ms)
{
	const struct ktstr_scenario *sc = g->sc;
	uint64_t deadline;
	struct op_err e;
	unsigned i;
	int rc = GUEST_EXIT_OK;

	*steps_done = 0;
	*elapsed_ms = 0;
	guest_life(&g->rep, KTSTR_LIFE_PAYLOAD_STARTING, sc->name);
	g->start_ns = guest_now_ns();
	guest_send(&g->rep, KTSTR_MSG_SCENARIO_START, NULL, 0);
	for (i = 0; i < sc->ncgroups; i++) {
		if (sc->cgroups[i].start_later || add_cgroup(g, i, &e) == 0)
			continue;
		char why[1100];

		snprintf(why, sizeof(why), "%s:%u: cgroup %s: %s", sc->file, sc->cgroups[i].line,
			 sc->cgroups[i].name, e.msg);
		guest_life(&g->rep, KTSTR_LIFE_INIT_ERROR, why);
		rc = GUEST_EXIT_INIT;
		goto out;
	}
	deadline = g->start_ns + (uint64_t)sc->duration_ms * 1000000u;
	for (i = 0; i < sc->nsteps && !g->stop_req; i++) {
		const struct ktstr_sc_step *st = &sc->steps[i];
		uint64_t end;

		if (step_ops(g, i)) {
			rc = GUEST_EXIT_INIT;
			goto out;
		}
		send_stim(g, i);
		end = st->hold.kind == KTSTR_HOLD_LOOP
			      ? deadline
			      : guest_now_ns() + (uint64_t)ktstr_scenario_hold_ms(sc, i) * 1000000u;
		if (hold(g, i, end)) {
			rc = GUEST_EXIT_INIT;
			goto out;
		}
		if (!g->stop_req)
			(*steps_done)++;
	}
out:
	guest_workers_stop(&g->workers, -1, g->args.stop_timeout_ms);
	*elapsed_ms = (guest_now_ns() - g->start_ns) / 1000000u;
	{
		uint8_t le[8];

		ktstr_put_le64(le, *elapsed_ms);
		guest_send(&g->rep, KTSTR_MSG_SCENARIO_END, le, sizeof(le));
	}
	if (rc == GUEST_EXIT_OK && g->sched.fate > KTSTR_SCHED_RAN)
		rc = GUEST_EXIT_SCHED;
	return rc;
}

void guest_tick(struct guest *g, unsigned ms)
{
	struct guest_report *r = &g->rep;

	guest_wait_ms(&g->children, g->sigfd, ms);
	if (guest_sched_watch(g))
		g->stop_req = true;
	if (!r->ring_ok)
		return;
	if (ktstr_gring_ctl_load(&r->g2h, KTSTR_CTL_DUMP_REQ) == KTSTR_DUMP_REQ_BYTE) {
		guest_write_file("/proc/sysrq-trigger", "D");
		ktstr_gring_ctl_store(&r->g2h, KTSTR_CTL_DUMP_REQ, 0);
	}
	if (ktstr_gring_ctl_load(&r->g2h, KTSTR_CTL_STALL_REQ) == KTSTR_STALL_REQ_BYTE) {
		int fd = open("/tmp/ktstr_stall", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
		ktstr_gring_ctl_store(&r->g2h, KTSTR_CTL_STALL_REQ, 0);
	}
	if (ktstr_gring_ctl_load(&r->g2h, KTSTR_CTL_SIG0) == KTSTR_SIG_SHUTDOWN && !g->shutdown_req) {
		guest_logf(r, "host requested shutdown: stopping the scenario");
		g->shutdown_req = true;
		g->stop_req = true;
	}
}
