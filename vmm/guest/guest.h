/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest.h — ktstr-init, the guest PID 1: the context every phase shares.
 *
 * ktstr-init runs inside the VM: it mounts the pseudo file systems, maps
 * the shared-memory ring, starts the BPF scheduler, builds the cgroups,
 * runs the scenario's workers, and reports what it measured as frames
 * (wire.h) plus COM2 text sentinels.  It never judges: the host does.
 *
 * One file per concept (docs/guest-init.md lists them); this header holds
 * the shared context struct and the small helpers every file uses.
 */
#ifndef KTSTR_GUEST_H
#define KTSTR_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/scenario.h>

#include "args.h"
#include "cmdline.h"
#include "pid1.h"
#include "report.h"
#include "sched.h"
#include "worker.h"

/* Exit codes sent as EXIT / KTSTR_EXIT=<n> (docs/guest-init.md). */
enum guest_exit {
	GUEST_EXIT_OK	     = 0,	/* scenario ran, scheduler (if any) survived */
	GUEST_EXIT_SCHED     = 1,	/* scheduler died / not attached / disabled */
	GUEST_EXIT_INIT	     = 2,	/* bad input, mount, cgroup or topology error */
};

/* Per scenario cgroup: what exists now and which CPUs it may use now. */
struct guest_cg_state {
	bool	 exists;
	bool	 has_cpuset;		/* cpuset.cpus written (else: all CPUs) */
	struct ktstr_cpumask cpus;	/* current allowed CPUs (all if !has_cpuset) */
	uint32_t next_worker;		/* worker index of the next spawn */
};

struct guest {
	struct guest_report	rep;		/* ring + COM2: every message goes here */
	struct guest_children	children;	/* our own children and their statuses */
	int			sigfd;		/* signalfd for SIGCHLD */
	struct guest_cmdline	cmd;
	struct guest_args	args;
	struct ktstr_scenario  *sc;		/* NULL in shell mode */
	struct ktstr_topology	topo;		/* the scenario's effective topology */
	struct ktstr_cpumask	all_cpus;	/* every CPU of topo */
	struct guest_sched	sched;
	struct guest_workers	workers;
	struct guest_cg_state	cg[KTSTR_SC_MAX_CGROUPS];
	char			cg_root[128];	/* /sys/fs/cgroup/ktstr */
	uint64_t		start_ns;	/* scenario start (CLOCK_MONOTONIC) */
	bool			stop_req;	/* stop the scenario early */
	bool			shutdown_req;	/* host wrote KTSTR_SIG_SHUTDOWN */
	uint64_t		rng;		/* xorshift state (affinity choices) */
};

/* CLOCK_MONOTONIC in ns / ms. */
uint64_t guest_now_ns(void);
static inline uint64_t guest_now_ms(void)
{
	return guest_now_ns() / 1000000u;
}

/* xorshift64*; never returns the same sequence for two seeds != 0. */
uint64_t guest_rand(uint64_t *state);

/*
 * Read a whole (small) file into buf, NUL-terminated, trailing newline
 * stripped.  Returns the length, or -errno.  Truncates at len - 1.
 */
ssize_t guest_read_file(const char *path, char *buf, size_t len);
/* Write a string to a file (sysfs/procfs/cgroupfs style).  0 or -errno. */
int guest_write_file(const char *path, const char *s);
/* mkdir -p with mode 0755; 0 or -errno. */
int guest_mkdir_p(const char *path);

/* Close every fd >= 3 except those in keep[0..n). */
void guest_close_fds_except(const int *keep, size_t n);

/* The step loop's tick: reap children, watch the scheduler, serve the
 * ring's control bytes.  Sleeps at most ms (wakes early on SIGCHLD). */
void guest_tick(struct guest *g, unsigned ms);

/* Power the VM off (never returns). */
__attribute__((noreturn)) void guest_poweroff(struct guest_report *r);

#endif /* KTSTR_GUEST_H */
