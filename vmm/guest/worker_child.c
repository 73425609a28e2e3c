// SPDX-License-Identifier: GPL-2.0-only
/*
 * worker_child.c — the worker process itself (worker.h): wait to be
 * released, run the work type's loop until SIGUSR1, send the report.
 *
 * The stop flag is file-scope because a signal handler sets it; it only
 * exists in worker processes.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "guest.h"
#include "work.h"
#include "worker.h"

static volatile sig_atomic_t worker_stop;

static void on_sigusr1(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* Pin to the LLC of the CPU the worker was released on. */
static void pin_llc(const struct ktstr_topology *t)
{
	struct ktstr_cpumask m;
	cpu_set_t set;
	int cpu = sched_getcpu(), c;

	if (!t || cpu < 0 || (unsigned)cpu >= ktstr_topology_cpus(t))
		return;
	ktstr_topology_llc_mask(t, ktstr_topology_cpu_llc(t, (unsigned)cpu), &m);
	CPU_ZERO(&set);
	for (c = ktstr_cpumask_next(&m, 0); c >= 0; c = ktstr_cpumask_next(&m, (unsigned)c + 1))
		CPU_SET((unsigned)c, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "ktstr-init: worker %d: llc affinity: %s\n", (int)getpid(),
			strerror(errno));
}

static void keep_fds(const struct work_group *grp, int start_fd, int report_fd)
{
	int keep[2 + WORK_GROUP_FDS];
	size_t n = 0, i;

	keep[n++] = start_fd;
	keep[n++] = report_fd;
	for (i = 0; i < WORK_GROUP_FDS; i++)
		if (grp->fd[i] >= 0)
			keep[n++] = grp->fd[i];
	guest_close_fds_except(keep, n);
}

void guest_worker_child(const struct guest_workers *ws, const struct guest_spawn *sp,
			unsigned member, struct work_group *grp, int start_fd, int report_fd,
			uint32_t slot, uint64_t seed)
{
	const struct work_type *t = work_type_find(sp->work.kind);
	struct sigaction sa;
	struct ktstr_worker_report rep;
	struct work_ctx ctx;
	struct wstats *st;
	sigset_t set;
	uint64_t release_ns;
	char comm[16];
	ssize_t n;

	if (t->member_init)
		t->member_init(grp, member);
	keep_fds(grp, start_fd, report_fd);
	setpgid(0, 0);
	snprintf(comm, sizeof(comm), "kw-%s-%u", sp->cg_name, sp->first_index + member);
	prctl(PR_SET_NAME, comm);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: blocking calls return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a partner that stopped first: EPIPE, not death */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	do {
		n = read(start_fd, &release_ns, sizeof(release_ns));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(release_ns))
		_exit(3);	/* never released: the spawn was undone */
	close(start_fd);
	if (sp->affinity.kind == KTSTR_AFF_LLC)
		pin_llc(ws->topo);

	st = malloc(sizeof(*st));
	if (!st)
		_exit(4);
	memset(&ctx, 0, sizeof(ctx));
	ctx.params = &sp->work;
	ctx.member = member;
	ctx.grp = grp;
	ctx.ws = st;
	ctx.stop = &worker_stop;
	ctx.tmpdir = ws->tmpdir;
	wstats_start(st, seed, &ws->shared[slot], release_ns);
	t->run(&ctx);
	wstats_stop(st);
	memset(&rep, 0, sizeof(rep));
	wstats_fill(st, &rep);
	if (write(report_fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		_exit(5);
	_exit(0);
}
