// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched.c — start, watch and stop the BPF scheduler (sched.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"
#include "kmsg.h"
#include "sched.h"

#define POLL_MS 50u

int guest_split_args(char *s, char **argv, int max)
{
	int argc = 1;
	char *p = s;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (argc >= max - 1)
			return -1;
		argv[argc++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static uint32_t since_start_ms(const struct guest *g)
{
	return g->start_ns ? (uint32_t)((guest_now_ns() - g->start_ns) / 1000000u) : 0;
}

static void describe_status(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "wait status 0x%x", st);
}

/* The kernel's last "sched_ext: BPF scheduler ... disabled (...)" reason. */
static bool kernel_scx_reason(char *out, size_t len)
{
	const size_t klen = 256u << 10;
	char *klog = malloc(klen);
	bool found = false;
	ssize_t n;

	if (klog) {
		n = guest_kmsg_read(klog, klen);
		found = n > 0 && guest_kmsg_scx_reason(klog, (size_t)n, out, len);
		free(klog);
	}
	return found;
}

static void mark_died(struct guest *g, int st)
{
	struct guest_sched *s = &g->sched;
	uint64_t deadline = guest_now_ms() + 300;	/* the disable work may print late */
	char why[256];
	bool found;
	size_t n;
	uint8_t le[4];

	s->exited = true;
	s->exit_status = st;
	s->fate = KTSTR_SCHED_DIED;
	s->fate_at_ms = since_start_ms(g);
	describe_status(st, why, sizeof(why));
	/* A loader usually exits because the kernel disabled its scheduler
	 * (scx_qmap and scx_central exit 0 then): say what the kernel said. */
	while (!(found = kernel_scx_reason(s->exit_reason, sizeof(s->exit_reason))) &&
	       guest_now_ms() < deadline)
		guest_wait_ms(&g->children, g->sigfd, POLL_MS);
	if (found) {
		n = strlen(why);
		snprintf(why + n, sizeof(why) - n, "; sched_ext disabled it: %s", s->exit_reason);
	}
	guest_life(&g->rep, KTSTR_LIFE_SCHED_DIED, why);
	ktstr_put_le32(le, (uint32_t)st);
	guest_send(&g->rep, KTSTR_MSG_SCHED_EXIT, le, sizeof(le));
}

static pid_t spawn(struct guest *g, char **argv)
{
	pid_t pid = guest_fork(&g->children, g->sigfd, NULL);
	int fd, nul;

	if (pid != 0)
		return pid;
	setpgid(0, 0);
	fd = open(GUEST_SCHED_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (nul >= 0)
		dup2(nul, 0);
	guest_close_fds_except(NULL, 0);
	execv(argv[0], argv);
	dprintf(2, "ktstr-init: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static bool attached(struct guest_sched *s)
{
	return guest_read_file(GUEST_SCX_SYSFS "/root/ops", s->ops, sizeof(s->ops)) > 0;
}

static int not_attached(struct guest *g, const char *why)
{
	int st;

	g->sched.fate = KTSTR_SCHED_NOT_ATTACHED;
	guest_life(&g->rep, KTSTR_LIFE_SCHED_NOT_ATTACHED, why);
	kill(g->sched.pid, SIGKILL);
	if (guest_wait_child(&g->children, g->sigfd, g->sched.pid, 2000, &st) == 1) {
		g->sched.exited = true;
		g->sched.exit_status = st;
	}
	return -1;
}

int guest_sched_start(struct guest *g, const char *sched_args)
{
	struct guest_sched *s = &g->sched;
	char args[KTSTR_SC_SCHED_ARGS_MAX], *argv[GUEST_SCHED_MAX_ARGS + 1], buf[128];
	uint64_t deadline;
	struct stat sb;
	int st;

	snprintf(args, sizeof(args), "%s", sched_args);
	argv[0] = (char *)GUEST_SCHED_PATH;
	if (guest_split_args(args, argv, GUEST_SCHED_MAX_ARGS) < 0) {
		guest_life(&g->rep, KTSTR_LIFE_INIT_ERROR, "sched_args: more than 62 arguments");
		s->fate = KTSTR_SCHED_NOT_ATTACHED;
		return -1;
	}
	guest_logf(&g->rep, "starting scheduler %s (%s%s%s)", s->name, GUEST_SCHED_PATH,
		   sched_args[0] ? " " : "", sched_args);
	s->pid = spawn(g, argv);
	if (s->pid < 0) {
		snprintf(buf, sizeof(buf), "fork: %s", strerror(errno));
		s->pid = 0;
		guest_life(&g->rep, KTSTR_LIFE_INIT_ERROR, buf);
		s->fate = KTSTR_SCHED_NOT_ATTACHED;
		return -1;
	}
	snprintf(buf, sizeof(buf), "%d", (int)s->pid);
	setenv("SCHED_PID", buf, 1);
	if (stat(GUEST_SCX_SYSFS, &sb))
		return not_attached(g, "sysfs absent");
	deadline = guest_now_ms() + g->args.attach_timeout_ms;
	for (;;) {
		if (guest_child_exited(&g->children, s->pid, &st) == 1) {
			mark_died(g, st);
			return -1;
		}
		if (attached(s))
			break;
		if (guest_now_ms() >= deadline)
			return not_attached(g, "timeout");
		guest_wait_ms(&g->children, g->sigfd, POLL_MS);
	}
	s->fate = KTSTR_SCHED_RAN;
	guest_life(&g->rep, KTSTR_LIFE_SCHED_ATTACHED, s->ops);
	if (g->rep.ring_ok)
		ktstr_gring_ctl_store(&g->rep.g2h, KTSTR_CTL_SIG1, KTSTR_SIG_SCHED_LOADED);
	return 0;
}

/* The kernel disabled the scheduler: find out why (the message may lag
 * the state change by a little: the disable work prints it). */
static void mark_error_exit(struct guest *g, const char *state)
{
	struct guest_sched *s = &g->sched;
	uint64_t deadline = guest_now_ms() + 1000;

	s->fate = KTSTR_SCHED_ERROR_EXIT;
	s->fate_at_ms = since_start_ms(g);
	snprintf(s->exit_reason, sizeof(s->exit_reason), "sched_ext state '%s', no reason logged",
		 state);
	while (!kernel_scx_reason(s->exit_reason, sizeof(s->exit_reason)) &&
	       guest_now_ms() < deadline)
		guest_wait_ms(&g->children, g->sigfd, POLL_MS);
	guest_life(&g->rep, KTSTR_LIFE_SCHED_ERROR_EXIT, s->exit_reason);
}

int guest_sched_watch(struct guest *g)
{
	struct guest_sched *s = &g->sched;
	char state[32];
	int st;

	if (!s->present || s->fate != KTSTR_SCHED_RAN)
		return 0;
	if (guest_child_exited(&g->children, s->pid, &st) == 1) {
		mark_died(g, st);
		return 1;
	}
	if (guest_read_file(GUEST_SCX_SYSFS "/state", state, sizeof(state)) >= 0 &&
	    strcmp(state, "enabled")) {
		mark_error_exit(g, state);
		return 1;
	}
	return 0;
}

void guest_sched_stop(struct guest *g)
{
	struct guest_sched *s = &g->sched;
	int st;

	if (!s->pid)
		return;
	if (!s->exited && guest_child_exited(&g->children, s->pid, &st) != 1) {
		kill(s->pid, SIGINT);
		if (guest_wait_child(&g->children, g->sigfd, s->pid, 2000, &st) != 1) {
			guest_logf(&g->rep, "scheduler did not exit within 2 s of SIGINT: SIGKILL");
			killpg(s->pid, SIGKILL);
			kill(s->pid, SIGKILL);
			guest_wait_child(&g->children, g->sigfd, s->pid, 2000, &st);
		}
	}
	if (!s->exited && guest_child_exited(&g->children, s->pid, &st) == 1) {
		s->exited = true;
		s->exit_status = st;
	}
	guest_children_forget(&g->children, s->pid);
	guest_send_file(&g->rep, KTSTR_MSG_SCHED_LOG, GUEST_SCHED_LOG, "===SCHED_OUTPUT_START===",
			"===SCHED_OUTPUT_END===", GUEST_SCHED_LOG_MAX);
}
