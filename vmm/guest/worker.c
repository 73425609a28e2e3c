// SPDX-License-Identifier: GPL-2.0-only
/*
 * worker.c — spawn, stop and collect worker processes (worker.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"
#include "work.h"
#include "worker.h"

int guest_workers_init(struct guest_workers *ws, struct guest_children *ch, int sigfd,
		       const char *tmpdir)
{
	memset(ws, 0, sizeof(*ws));
	ws->shared = mmap(NULL, KTSTR_SC_MAX_WORKERS * sizeof(*ws->shared), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ws->shared == MAP_FAILED) {
		ws->shared = NULL;
		return -errno;
	}
	ws->children = ch;
	ws->sigfd = sigfd;
	ws->tmpdir = tmpdir;
	ws->rng = guest_now_ns() ^ ((uint64_t)getpid() << 32);
	return 0;
}

void guest_workers_free(struct guest_workers *ws)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		if (ws->v[i].report_fd >= 0)
			close(ws->v[i].report_fd);
	if (ws->shared)
		munmap(ws->shared, KTSTR_SC_MAX_WORKERS * sizeof(*ws->shared));
	free(ws->v);
	memset(ws, 0, sizeof(*ws));
}

static int policy_apply(pid_t pid, const struct ktstr_policy *p, int nice, char *err,
			size_t errlen)
{
	static const int pol[] = { SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR };
	struct sched_param prm = { 0 };

	if (p->kind >= sizeof(pol) / sizeof(pol[0])) {
		snprintf(err, errlen, "unknown scheduling policy %u", p->kind);
		return -1;
	}
	if (p->kind != KTSTR_POLICY_NORMAL) {
		if (p->kind == KTSTR_POLICY_FIFO || p->kind == KTSTR_POLICY_RR)
			prm.sched_priority = p->prio;
		if (sched_setscheduler(pid, pol[p->kind], &prm)) {
			snprintf(err, errlen, "sched_setscheduler(%d, %s, %d): %s", (int)pid,
				 ktstr_policy_name(p->kind), prm.sched_priority, strerror(errno));
			return -1;
		}
	}
	if (nice && setpriority(PRIO_PROCESS, (id_t)pid, nice)) {
		snprintf(err, errlen, "setpriority(%d, nice %d): %s", (int)pid, nice, strerror(errno));
		return -1;
	}
	return 0;
}

static int affinity_apply(struct guest_workers *ws, const struct guest_spawn *sp, pid_t pid,
			  uint32_t index, char *err, size_t errlen)
{
	struct ktstr_cpumask m;
	cpu_set_t set;
	int cpu;

	if (!guest_affinity_resolve(&sp->affinity, &sp->cg_cpus, ws->topo, index, &ws->rng, &m))
		return 0;
	CPU_ZERO(&set);
	for (cpu = ktstr_cpumask_next(&m, 0); cpu >= 0; cpu = ktstr_cpumask_next(&m, (unsigned)cpu + 1))
		CPU_SET((unsigned)cpu, &set);
	if (sched_setaffinity(pid, sizeof(set), &set)) {
		char buf[256];

		ktstr_cpumask_format(&m, buf, sizeof(buf));
		snprintf(err, errlen, "sched_setaffinity(%d, %s): %s", (int)pid, buf, strerror(errno));
		return -1;
	}
	return 0;
}

static int place(struct guest_workers *ws, const struct guest_spawn *sp, pid_t pid,
		 uint32_t index, char *err, size_t errlen)
{
	char num[24];
	int rc;

	if (sp->procs_path) {
		snprintf(num, sizeof(num), "%d", (int)pid);
		rc = guest_write_file(sp->procs_path, num);
		if (rc) {
			snprintf(err, errlen, "write pid %d to %s: %s", (int)pid, sp->procs_path,
				 strerror(-rc));
			return -1;
		}
	}
	if (affinity_apply(ws, sp, pid, index, err, errlen))
		return -1;
	return policy_apply(pid, &sp->policy, sp->nice, err, errlen);
}

/* Fork one member; its start pipe's write end goes to *start_fd. */
static int fork_one(struct guest_workers *ws, const struct guest_spawn *sp, struct work_group *grp,
		    unsigned member, uint32_t index, int *start_fd, char *err, size_t errlen)
{
	int sp_pipe[2], rp_pipe[2];
	uint32_t slot = (uint32_t)ws->n;
	uint64_t seed = guest_rand(&ws->rng);
	struct guest_worker *w;
	sigset_t mask;
	pid_t pid;

	if (pipe2(sp_pipe, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(rp_pipe, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(sp_pipe[0]);
		close(sp_pipe[1]);
		return -1;
	}
	memset(&ws->shared[slot], 0, sizeof(ws->shared[slot]));
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	pid = guest_fork(ws->children, ws->sigfd, &mask);
	if (pid == 0) {
		close(sp_pipe[1]);
		close(rp_pipe[0]);
		guest_worker_child(ws, sp, member, grp, sp_pipe[0], rp_pipe[1], slot, seed);
	}
	close(sp_pipe[0]);
	close(rp_pipe[1]);
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sp_pipe[1]);
		close(rp_pipe[0]);
		return -1;
	}
	fcntl(rp_pipe[0], F_SETFL, O_NONBLOCK);
	w = &ws->v[ws->n++];
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->home_cg = w->cur_cg = sp->cg;
	w->index = (uint16_t)index;
	w->kind = sp->work.kind;
	w->report_fd = rp_pipe[0];
	w->slot = slot;
	w->allowed = sp->cg_cpus;
	snprintf(w->rep.cgroup_name, sizeof(w->rep.cgroup_name), "%s", sp->cg_name);
	*start_fd = sp_pipe[1];
	return place(ws, sp, pid, index, err, errlen);
}

/* Undo a failed spawn: kill and forget the workers from `first` on. */
static void spawn_undo(struct guest_workers *ws, size_t first, int *start_fds)
{
	size_t i;
	int st;

	for (i = first; i < ws->n; i++) {
		kill(ws->v[i].pid, SIGKILL);
		guest_wait_child(ws->children, ws->sigfd, ws->v[i].pid, 1000, &st);
		guest_children_forget(ws->children, ws->v[i].pid);
		close(ws->v[i].report_fd);
		if (start_fds[i - first] >= 0)
			close(start_fds[i - first]);
	}
	ws->n = first;
}

static int reserve(struct guest_workers *ws, size_t more)
{
	struct guest_worker *v;
	size_t cap = ws->cap ? ws->cap : 16;

	while (cap < ws->n + more)
		cap *= 2;
	if (cap == ws->cap)
		return 0;
	v = realloc(ws->v, cap * sizeof(*v));
	if (!v)
		return -1;
	ws->v = v;
	ws->cap = cap;
	return 0;
}

int guest_workers_spawn(struct guest_workers *ws, const struct guest_spawn *sp, char *err,
			size_t errlen)
{
	const struct work_type *t = work_type_find(sp->work.kind);
	size_t first = ws->n, i;
	int start_fds[KTSTR_SC_MAX_WORKERS];
	uint32_t k, m;
	uint64_t now;

	if (!t) {
		snprintf(err, errlen, "work type %u is not built into ktstr-init", sp->work.kind);
		return -1;
	}
	if (!sp->count || sp->count % t->group) {
		snprintf(err, errlen, "work type %s needs a positive multiple of %u workers, got %u",
			 t->name, t->group, sp->count);
		return -1;
	}
	if (ws->n + sp->count > KTSTR_SC_MAX_WORKERS || reserve(ws, sp->count)) {
		snprintf(err, errlen, "too many workers (%zu + %u, at most %u)", ws->n, sp->count,
			 KTSTR_SC_MAX_WORKERS);
		return -1;
	}
	for (i = 0; i < sp->count; i++)
		start_fds[i] = -1;
	for (k = 0; k < sp->count; k += t->group) {
		struct work_group grp;
		int rc = work_group_create(t, &grp);

		if (rc) {
			snprintf(err, errlen, "%s: group resources: %s", t->name, strerror(-rc));
			spawn_undo(ws, first, start_fds);
			return -1;
		}
		for (m = 0; m < t->group; m++) {
			if (fork_one(ws, sp, &grp, m, sp->first_index + k + m, &start_fds[k + m], err,
				     errlen)) {
				work_group_release(&grp);
				spawn_undo(ws, first, start_fds);
				return -1;
			}
			snprintf(ws->v[ws->n - 1].rep.work_type, sizeof(ws->v[0].rep.work_type), "%s",
				 t->name);
		}
		work_group_release(&grp);
	}
	/* Everyone is in place: release them together.  The release time
	 * goes down the pipe: the worker's clock starts then, not when it
	 * first gets a CPU. */
	now = guest_now_ns();
	for (i = 0; i < sp->count; i++) {
		if (write(start_fds[i], &now, sizeof(now)) != (ssize_t)sizeof(now)) {
			/* the worker died already; its status tells at stop time */
		}
		close(start_fds[i]);
		ws->v[first + i].running = true;
		ws->v[first + i].start_ns = now;
	}
	return 0;
}

/* Final report of a stopped worker from its pipe, or a synthesized one. */
static void collect(struct guest_workers *ws, struct guest_worker *w, int status, bool exited)
{
	struct ktstr_worker_report got, *rep = &w->rep;
	ssize_t n = read(w->report_fd, &got, sizeof(got));
	bool ok = exited && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		  n == (ssize_t)sizeof(got);
	char cgname[KTSTR_NAME_MAX], wtype[KTSTR_NAME_MAX];

	memcpy(cgname, rep->cgroup_name, sizeof(cgname));
	memcpy(wtype, rep->work_type, sizeof(wtype));
	if (ok) {
		*rep = got;
		rep->flags = KTSTR_WR_COMPLETED;
	} else {
		memset(rep, 0, sizeof(*rep));
		rep->flags = !exited ? KTSTR_WR_TIMED_OUT
			   : WIFSIGNALED(status) ? KTSTR_WR_SIGNALED : 0;
		rep->work_units = __atomic_load_n(&ws->shared[w->slot].units, __ATOMIC_RELAXED);
		rep->iterations = __atomic_load_n(&ws->shared[w->slot].iterations, __ATOMIC_RELAXED);
		rep->wall_time_ns = guest_now_ns() - w->start_ns;
	}
	rep->version = KTSTR_REPORT_VERSION;
	rep->cgroup = w->home_cg;
	rep->worker = w->index;
	rep->pid = (uint32_t)w->pid;
	memset(rep->cgroup_name, 0, sizeof(rep->cgroup_name));
	memset(rep->work_type, 0, sizeof(rep->work_type));
	memcpy(rep->cgroup_name, cgname, strnlen(cgname, sizeof(cgname) - 1));
	memcpy(rep->work_type, wtype, strnlen(wtype, sizeof(wtype) - 1));
	ktstr_cpumask_to_bytes(&w->allowed, rep->cpus_allowed);
	close(w->report_fd);
	w->report_fd = -1;
	w->running = false;
	guest_children_forget(ws->children, w->pid);
}

static bool selected(const struct guest_worker *w, int cur_cg)
{
	return w->running && (cur_cg < 0 || w->cur_cg == cur_cg);
}

int guest_workers_stop(struct guest_workers *ws, int cur_cg, unsigned timeout_ms)
{
	uint64_t deadline = guest_now_ms() + timeout_ms;
	size_t i, pending = 0;
	int stopped = 0, st;

	for (i = 0; i < ws->n; i++) {
		if (!selected(&ws->v[i], cur_cg))
			continue;
		kill(ws->v[i].pid, SIGUSR1);	/* ESRCH: gone already, its status tells */
		pending++;
	}
	while (pending) {
		guest_reap(ws->children);
		for (i = 0; i < ws->n; i++) {
			if (selected(&ws->v[i], cur_cg) &&
			    guest_child_exited(ws->children, ws->v[i].pid, &st) == 1) {
				collect(ws, &ws->v[i], st, true);
				pending--;
				stopped++;
			}
		}
		if (!pending || guest_now_ms() >= deadline)
			break;
		guest_wait_ms(ws->children, ws->sigfd, 20);
	}
	for (i = 0; i < ws->n && pending; i++) {
		struct guest_worker *w = &ws->v[i];

		if (!selected(w, cur_cg))
			continue;
		killpg(w->pid, SIGKILL);
		kill(w->pid, SIGKILL);
		guest_wait_child(ws->children, ws->sigfd, w->pid, 1000, &st);
		collect(ws, w, st, false);
		pending--;
		stopped++;
	}
	return stopped;
}

void guest_workers_allow(struct guest_workers *ws, int cur_cg, const struct ktstr_cpumask *m)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		if (selected(&ws->v[i], cur_cg))
			ktstr_cpumask_or(&ws->v[i].allowed, m);
}

size_t guest_workers_running_in(const struct guest_workers *ws, int cur_cg)
{
	size_t i, n = 0;

	for (i = 0; i < ws->n; i++)
		n += selected(&ws->v[i], cur_cg);
	return n;
}

uint64_t guest_workers_total_iterations(const struct guest_workers *ws)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < ws->n; i++)
		sum += __atomic_load_n(&ws->shared[ws->v[i].slot].iterations, __ATOMIC_RELAXED);
	return sum;
}
