/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.h — the BPF scheduler under test, seen from inside the guest.
 *
 * Start (/scheduler with the whitespace-split sched_args, output to
 * /tmp/sched.log), wait for it to attach (/sys/kernel/sched_ext/root/ops
 * non-empty), watch it while the scenario runs — its process dying, or
 * /sys/kernel/sched_ext/state leaving "enabled" while it lives (the
 * kernel disabled it: error exit or stall; a disabled scheduler silently
 * falls back to the fair class, so this must be watched) — and stop it
 * at the end (SIGINT, then SIGKILL after 2 s).  Its fate goes into the
 * TEST summary; its log goes to the host as SCLG frames.
 */
#ifndef KTSTR_GUEST_SCHED_H
#define KTSTR_GUEST_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/wire.h>

#define GUEST_SCHED_PATH	"/scheduler"
#define GUEST_SCHED_LOG		"/tmp/sched.log"
#define GUEST_SCX_SYSFS		"/sys/kernel/sched_ext"
#define GUEST_SCHED_LOG_MAX	(4u << 20)	/* bytes of log sent (the tail) */
#define GUEST_SCHED_MAX_ARGS	64

struct guest_sched {
	bool	 present;		/* a scheduler is part of this run */
	char	 name[64];		/* for messages (/args scheduler=) */
	pid_t	 pid;			/* 0: not started */
	bool	 exited;		/* its status is in exit_status */
	enum ktstr_sched_fate fate;
	int32_t	 exit_status;		/* wait status once exited */
	uint32_t fate_at_ms;		/* since scenario start (0 before it) */
	char	 ops[KTSTR_NAME_MAX];	/* root/ops once attached */
	char	 exit_reason[128];	/* the kernel's text when it disabled it */
};

struct guest;

/*
 * Start the scheduler and wait for it to attach.  0 attached (LIFE
 * SCHED_ATTACHED sent, signal slot 1 set); -1 failed: died (LIFE
 * SCHED_DIED + SCDX) or not attached (LIFE SCHED_NOT_ATTACHED "timeout" /
 * "sysfs absent"), fate set, process gone.
 */
int guest_sched_start(struct guest *g, const char *sched_args);

/*
 * During the run: 1 if the scheduler failed just now (died, or the kernel
 * disabled it) — the frames are sent and the fate is set — else 0.
 */
int guest_sched_watch(struct guest *g);

/* End of run: SIGINT, wait <= 2 s, SIGKILL; then send its log (SCLG). */
void guest_sched_stop(struct guest *g);

/* Split s on blanks into argv[1..] (argv[0] preset by the caller); returns
 * argc or -1 when there are more than max - 2 words.  Modifies s. */
int guest_split_args(char *s, char **argv, int max);

#endif /* KTSTR_GUEST_SCHED_H */
