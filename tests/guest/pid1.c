// SPDX-License-Identifier: GPL-2.0-only
/* ktstr-init: reaping with status collection, the crash line (pid1.h). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "pid1.h"

int main(void)
{
	struct guest_children ch = { 0 };
	char line[64];
	sigset_t keep;
	pid_t mine, stranger, blocked;
	int st = -1;

	tap_plan(9);
	guest_crash_line(SIGSEGV, line, sizeof(line));
	tap_eq_str(line, "KTSTR_INIT_CRASH: SIGSEGV (11)\n", "crash line");
	guest_crash_line(SIGABRT, line, 12);
	tap_eq_u64(strlen(line), 11, "crash line truncates safely");

	mine = guest_fork(&ch, -1, NULL);
	if (mine == 0)
		_exit(7);
	stranger = fork();	/* not tracked: stands for an orphan reparented to PID 1 */
	if (stranger == 0)
		_exit(0);
	tap_ok(guest_wait_child(&ch, -1, mine, 5000, &st) == 1, "own child's exit seen");
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "its status kept (7)");
	usleep(100000);
	guest_reap(&ch);
	tap_ok(waitpid(stranger, NULL, WNOHANG) == -1, "the untracked child was reaped too");
	tap_ok(ch.orphans >= 1, "and counted as an orphan");
	guest_children_forget(&ch, mine);
	tap_eq_i64(guest_child_exited(&ch, mine, &st), -1, "forgotten pid unknown");

	/* a child whose SIGUSR1 stays blocked until it unblocks it itself */
	sigemptyset(&keep);
	sigaddset(&keep, SIGUSR1);
	blocked = guest_fork(&ch, -1, &keep);
	if (blocked == 0) {
		sigset_t cur;

		sigprocmask(SIG_SETMASK, NULL, &cur);
		_exit(sigismember(&cur, SIGUSR1) ? 0 : 1);
	}
	kill(blocked, SIGUSR1);
	tap_ok(guest_wait_child(&ch, -1, blocked, 5000, &st) == 1, "child with a kept mask exits");
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "SIGUSR1 sent right after fork neither killed it nor was unblocked");
	guest_children_free(&ch);
	return tap_done();
}
