/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pid1.h — what being PID 1 takes: every orphan in the VM is reparented
 * to us and must be reaped, yet the exit statuses of our own children
 * (scheduler, workers, shell) must not be lost to that reaping; and a
 * crash of init itself must still get its message out before the VM
 * ends (the kernel would otherwise panic with "Attempted to kill init").
 *
 * SIGCHLD is blocked and read through a signalfd: nothing is reaped
 * behind the caller's back.  guest_reap() reaps every zombie; statuses of
 * pids registered with guest_children_track() are kept until collected.
 */
#ifndef KTSTR_GUEST_PID1_H
#define KTSTR_GUEST_PID1_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

struct guest_child {
	pid_t pid;
	int   status;		/* wait status, valid when exited */
	bool  exited;
};

struct guest_children {
	struct guest_child *v;
	size_t n, cap;
	unsigned long orphans;	/* reaped pids that were not ours */
};

struct guest_report;

/*
 * Block SIGCHLD (returns a signalfd for it), ignore SIGPIPE/SIGHUP/SIGINT/
 * SIGTERM/SIGUSR1 as PID 1 should, and install the crash handler for
 * SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGABRT on an alternate stack.  Returns the
 * signalfd or -errno.
 */
int guest_pid1_setup(void);

/*
 * Tell the crash handler where to write: COM2 fd and (if usable) the
 * ring (a CRSH frame, skipped when a send was interrupted mid-way).  The
 * handler also writes to /dev/kmsg (the kernel console), then reboots.
 */
void guest_crash_arm(int com2_fd, struct guest_report *rep);

/* Format the crash line for sig into buf (async-signal-safe). */
size_t guest_crash_line(int sig, char *buf, size_t len);

/*
 * fork() for init: the child gets default signal dispositions, the signal
 * mask child_mask (NULL: empty) and no signalfd; the parent tracks the
 * pid.  Returns as fork.  A child that must not die from a signal sent
 * before it installed its handler passes that signal in child_mask.
 */
pid_t guest_fork(struct guest_children *ch, int sigfd, const sigset_t *child_mask);

/* Start tracking / stop tracking a pid. */
int guest_children_track(struct guest_children *ch, pid_t pid);
void guest_children_forget(struct guest_children *ch, pid_t pid);

/* Reap every zombie (WNOHANG).  Returns how many of them were ours. */
int guest_reap(struct guest_children *ch);

/* 1 and *status if pid (ours) has exited, 0 while it runs, -1 unknown pid. */
int guest_child_exited(const struct guest_children *ch, pid_t pid, int *status);

/* Sleep up to ms, waking early on SIGCHLD (then reaps).  sigfd < 0: plain sleep. */
void guest_wait_ms(struct guest_children *ch, int sigfd, unsigned ms);

/* Wait until pid exits or ms pass.  1 exited (*status), 0 still running. */
int guest_wait_child(struct guest_children *ch, int sigfd, pid_t pid, unsigned ms, int *status);

void guest_children_free(struct guest_children *ch);

#endif /* KTSTR_GUEST_PID1_H */
