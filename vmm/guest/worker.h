/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * worker.h — worker processes, seen from init (ktstr §7.2).
 *
 * Spawn is two-phase: the child blocks on a start pipe while init puts
 * its pid into the cgroup's cgroup.procs and applies affinity, policy
 * and nice; only then is it released, so no unit of work is done outside
 * its cgroup.  Stop: SIGUSR1 sets the worker's stop flag, it writes its
 * ktstr_worker_report to its report pipe and exits; a worker that does
 * not report within the deadline is SIGKILLed (with its process group)
 * and gets a synthesized report flagged KTSTR_WR_TIMED_OUT (or
 * KTSTR_WR_SIGNALED when a signal killed it).  Every worker ever spawned
 * ends with exactly one report.
 *
 * cpus_allowed in a report is the union of every CPU set the worker's
 * cgroup allowed while it ran (guest_workers_allow() adds to it).
 */
#ifndef KTSTR_GUEST_WORKER_H
#define KTSTR_GUEST_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/scenario.h>
#include <ktstr/wire.h>

#include "pid1.h"
#include "wstats.h"

struct guest_worker {
	pid_t	 pid;
	uint16_t home_cg;		/* cgroup it was spawned in (report.cgroup) */
	uint16_t cur_cg;		/* cgroup it is in now (move_all changes it) */
	uint16_t index;			/* worker index within its home cgroup */
	uint8_t	 kind;			/* enum ktstr_work_kind */
	bool	 running;		/* released and not yet stopped */
	int	 report_fd;		/* read end of its report pipe, -1 once read */
	uint32_t slot;			/* its wstats_shared slot */
	uint64_t start_ns;		/* release time (init's clock) */
	struct ktstr_cpumask allowed;	/* union of its cgroup's CPU sets */
	struct ktstr_worker_report rep;	/* final once !running */
};

struct guest_workers {
	struct guest_worker *v;
	size_t	 n, cap;
	struct wstats_shared *shared;	/* MAP_SHARED, KTSTR_SC_MAX_WORKERS slots */
	struct guest_children *children;
	int	 sigfd;
	const char *tmpdir;		/* scratch dir for io_sync */
	const struct ktstr_topology *topo;	/* for llc affinity; NULL: none */
	uint64_t rng;
};

/* One spawn: `count` workers of one work type into one cgroup. */
struct guest_spawn {
	uint16_t cg;			/* cgroup index (report.cgroup) */
	const char *cg_name;		/* report.cgroup_name */
	const char *procs_path;		/* its cgroup.procs; NULL = no cgroup (host tests) */
	struct ktstr_work work;
	uint32_t count;
	uint32_t first_index;		/* worker index of the first one */
	struct ktstr_affinity affinity;
	struct ktstr_policy policy;
	int	 nice;
	struct ktstr_cpumask cg_cpus;	/* CPUs the cgroup allows now */
};

int guest_workers_init(struct guest_workers *ws, struct guest_children *ch, int sigfd,
		       const char *tmpdir);
void guest_workers_free(struct guest_workers *ws);

/*
 * Spawn and release.  0, or -1 with err (fork/pipe/cgroup/policy failure;
 * workers of this spawn that were already forked are killed and get
 * no report — the spawn did not happen).
 */
int guest_workers_spawn(struct guest_workers *ws, const struct guest_spawn *sp, char *err,
			size_t errlen);

/*
 * Stop the running workers now in cgroup cur_cg (-1: all), collect their
 * reports, waiting at most timeout_ms before SIGKILL.  Returns how many
 * were stopped.
 */
int guest_workers_stop(struct guest_workers *ws, int cur_cg, unsigned timeout_ms);

/* Add m to cpus_allowed of every running worker now in cur_cg. */
void guest_workers_allow(struct guest_workers *ws, int cur_cg, const struct ktstr_cpumask *m);

/* Running workers now in cur_cg. */
size_t guest_workers_running_in(const struct guest_workers *ws, int cur_cg);

/* Sum of all workers' shared iteration counters (STIM total_iterations). */
uint64_t guest_workers_total_iterations(const struct guest_workers *ws);

/*
 * Resolve an affinity for worker `index` of a cgroup allowing cg_cpus on
 * topology t.  Returns 1 with *out set, 0 for "no affinity" (inherit, or
 * llc: the worker pins itself to the LLC it starts on).
 */
int guest_affinity_resolve(const struct ktstr_affinity *a, const struct ktstr_cpumask *cg_cpus,
			   const struct ktstr_topology *t, uint32_t index, uint64_t *rng,
			   struct ktstr_cpumask *out);

/* Child side: never returns (worker_child.c). */
struct work_group;
__attribute__((noreturn)) void guest_worker_child(const struct guest_workers *ws,
						  const struct guest_spawn *sp, unsigned member,
						  struct work_group *grp, int start_fd, int report_fd,
						  uint32_t slot, uint64_t seed);

#endif /* KTSTR_GUEST_WORKER_H */
