// SPDX-License-Identifier: GPL-2.0-only
/*
 * shell.c — shell mode (shell.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "guest.h"
#include "shell.h"

#define BUSYBOX "/bin/busybox"
#define CONSOLE "/dev/ttyS0"

int guest_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* Wait for pid however long it takes, reaping orphans meanwhile. */
static int wait_forever(struct guest *g, pid_t pid)
{
	int st = 0;

	while (guest_wait_child(&g->children, g->sigfd, pid, 60000, &st) != 1)
		;
	return st;
}

static void install_busybox(struct guest *g)
{
	pid_t pid = guest_fork(&g->children, g->sigfd, NULL);

	if (pid == 0) {
		execl(BUSYBOX, "busybox", "--install", "-s", "/bin", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || guest_status_code(wait_forever(g, pid)))
		guest_logf(&g->rep, "busybox --install -s /bin failed: commands need their busybox prefix");
}

static void setup_env(struct guest *g)
{
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	setenv("HOME", "/", 1);
	setenv("TERM", g->cmd.term[0] ? g->cmd.term : "linux", 1);
	setenv("PS1", "ktstr:\\w# ", 1);
	if (guest_mkdir_p("/dev/pts") == 0 &&
	    mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666") && errno != EBUSY)
		guest_logf(&g->rep, "mount devpts: %s (no ptys in the shell)", strerror(errno));
}

/* Child: the console as fds 0-2 (and controlling tty when ctty). */
static void console_child(struct guest *g, bool ctty)
{
	int fd;

	setsid();
	fd = open(CONSOLE, O_RDWR);
	if (fd < 0)
		fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		if (ctty)
			ioctl(fd, TIOCSCTTY, 1);
		if (g->cmd.cols && g->cmd.rows) {
			struct winsize ws = { .ws_row = (unsigned short)g->cmd.rows,
					      .ws_col = (unsigned short)g->cmd.cols };

			ioctl(fd, TIOCSWINSZ, &ws);
		}
		dup2(fd, 1);
		dup2(fd, 2);
		if (ctty)
			dup2(fd, 0);
	}
	if (!ctty) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, 0);
	}
	guest_close_fds_except(NULL, 0);
}

static int run_exec(struct guest *g)
{
	pid_t pid = guest_fork(&g->children, g->sigfd, NULL);
	uint8_t le[4];
	int code;

	if (pid == 0) {
		console_child(g, false);
		execl("/bin/sh", "sh", "-c", g->args.exec, (char *)NULL);
		dprintf(2, "ktstr-init: exec /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	code = pid < 0 ? 127 : guest_status_code(wait_forever(g, pid));
	ktstr_put_le32(le, (uint32_t)code);
	guest_send(&g->rep, KTSTR_MSG_EXEC_EXIT, le, sizeof(le));
	guest_say(&g->rep, "KTSTR_EXEC_EXIT=%d", code);
	return code;
}

static int run_interactive(struct guest *g)
{
	pid_t pid = guest_fork(&g->children, g->sigfd, NULL);
	int code;

	if (pid == 0) {
		console_child(g, true);
		execl("/bin/sh", "-sh", (char *)NULL);
		dprintf(2, "ktstr-init: exec /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	code = pid < 0 ? 127 : guest_status_code(wait_forever(g, pid));
	guest_logf(&g->rep, "shell exited: status %d", code);
	return code;
}

void guest_shell_run(struct guest *g)
{
	install_busybox(g);
	setup_env(g);
	/* EXIT tells the host the guest finished on purpose (vmm status
	 * powered_off, not no_exit); the shell's own status rides along. */
	guest_send_exit(&g->rep, g->args.has_exec ? run_exec(g) : run_interactive(g));
	guest_poweroff(&g->rep);
}
