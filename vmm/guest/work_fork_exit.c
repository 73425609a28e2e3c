// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_fork_exit.c — fork_exit: fork a child that _exit(0)s at once, reap
 * it with waitpid, repeat; one unit per child (ktstr ForkExit).  The
 * waitpid is the blocking call: its duration is the wake-latency sample.
 * The worker is a process-group leader, so a SIGKILL of the group also
 * takes any child caught mid-flight.
 */
#include <errno.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "work.h"

static void fork_exit_run(struct work_ctx *w)
{
	while (!work_stopped(w)) {
		uint64_t t0 = guest_now_ns();
		pid_t pid = fork();
		int status;

		if (pid == 0)
			_exit(0);
		if (pid < 0) {	/* out of pids/memory: back off, try again */
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
			continue;
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		wstats_wake_sample(w->ws, guest_now_ns() - t0);
		wstats_units(w->ws, 1);
		wstats_iter(w->ws);
	}
}

static const struct work_type work_fork_exit_type = {
	.kind = KTSTR_WORK_FORK_EXIT,
	.name = "fork_exit",
	.group = 1,
	.run = fork_exit_run,
};
WORK_TYPE(work_fork_exit_type);
