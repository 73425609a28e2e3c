// SPDX-License-Identifier: GPL-2.0-only
/*
 * pid1.c — PID 1 hygiene: reaping with status collection, the crash path.
 *
 * The crash handler needs its target (COM2 fd, ring) in static storage:
 * that pair is the one piece of mutable file-scope state in ktstr-init,
 * set once by guest_crash_arm() and only read by the handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <ktstr/wire.h>

#include "pid1.h"
#include "report.h"

static struct {
	int com2_fd;
	struct guest_report *rep;
} crash_target = { .com2_fd = -1 };

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS:  return "SIGBUS";
	case SIGILL:  return "SIGILL";
	case SIGFPE:  return "SIGFPE";
	case SIGABRT: return "SIGABRT";
	default:      return "signal";
	}
}

size_t guest_crash_line(int sig, char *buf, size_t len)
{
	const char *pre = "KTSTR_INIT_CRASH: ", *name = sig_name(sig);
	char num[12];
	size_t n = 0, i = 0;
	unsigned v = (unsigned)sig;

	do {
		num[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i < sizeof(num));
	for (; *pre && n + 1 < len; pre++)
		buf[n++] = *pre;
	for (; *name && n + 1 < len; name++)
		buf[n++] = *name;
	if (n + 3 < len) {
		buf[n++] = ' ';
		buf[n++] = '(';
	}
	while (i && n + 1 < len)
		buf[n++] = num[--i];
	if (n + 2 < len) {
		buf[n++] = ')';
		buf[n++] = '\n';
	}
	if (len)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}

static void crash_handler(int sig)
{
	char line[64], kline[80];
	size_t n;
	int kfd;

	if (getpid() != 1) {	/* a forked child that kept the handler */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	n = guest_crash_line(sig, line, sizeof(line));
	if (crash_target.com2_fd >= 0) {
		if (write(crash_target.com2_fd, line, n) < 0) {
			/* nothing better to do */
		}
		tcdrain(crash_target.com2_fd);
	}
	kfd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (kfd >= 0) {
		memcpy(kline, "<2>ktstr-init: ", 15);
		memcpy(kline + 15, line, n);
		if (write(kfd, kline, 15 + n) < 0) {
			/* ditto */
		}
		close(kfd);
	}
	if (crash_target.rep)
		guest_report_crash(crash_target.rep, line, n ? n - 1 : 0);
	sync();
	reboot(RB_AUTOBOOT);
	_exit(128 + sig);
}

int guest_pid1_setup(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	sigset_t set;
	size_t i;
	int fd;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crash_handler;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

void guest_crash_arm(int com2_fd, struct guest_report *rep)
{
	crash_target.com2_fd = com2_fd;
	crash_target.rep = rep;
}

static void child_reset(int sigfd, const sigset_t *mask)
{
	sigset_t set;
	int s;

	for (s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, mask ? mask : &set, NULL);
	if (sigfd >= 0)
		close(sigfd);
}

static int children_reserve(struct guest_children *ch)
{
	struct guest_child *v;
	size_t cap;

	if (ch->n < ch->cap)
		return 0;
	cap = ch->cap ? ch->cap * 2 : 64;
	v = realloc(ch->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ch->v = v;
	ch->cap = cap;
	return 0;
}

pid_t guest_fork(struct guest_children *ch, int sigfd, const sigset_t *child_mask)
{
	sigset_t all, old;
	pid_t pid;

	/* Room first, so tracking cannot fail after the fork.  A fast exit is
	 * never reaped as an orphan: reaping happens only in guest_reap(). */
	if (children_reserve(ch)) {
		errno = ENOMEM;
		return -1;
	}
	/* Everything blocked across the fork: the child must not run a
	 * parent handler (or die of a default action) before child_reset. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		child_reset(sigfd, child_mask);
		return 0;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid > 0)
		guest_children_track(ch, pid);
	return pid;
}

int guest_children_track(struct guest_children *ch, pid_t pid)
{
	if (children_reserve(ch))
		return -ENOMEM;
	ch->v[ch->n++] = (struct guest_child){ .pid = pid };
	return 0;
}

static struct guest_child *child_find(const struct guest_children *ch, pid_t pid)
{
	size_t i;

	for (i = 0; i < ch->n; i++)
		if (ch->v[i].pid == pid)
			return &ch->v[i];
	return NULL;
}

void guest_children_forget(struct guest_children *ch, pid_t pid)
{
	struct guest_child *c = child_find(ch, pid);

	if (c)
		*c = ch->v[--ch->n];
}

int guest_reap(struct guest_children *ch)
{
	int status, ours = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct guest_child *c = child_find(ch, pid);

		if (c) {
			c->status = status;
			c->exited = true;
			ours++;
		} else {
			ch->orphans++;
		}
	}
	return ours;
}

int guest_child_exited(const struct guest_children *ch, pid_t pid, int *status)
{
	const struct guest_child *c = child_find(ch, pid);

	if (!c)
		return -1;
	if (c->exited && status)
		*status = c->status;
	return c->exited;
}

void guest_wait_ms(struct guest_children *ch, int sigfd, unsigned ms)
{
	struct signalfd_siginfo si;
	struct pollfd pfd = { .fd = sigfd, .events = POLLIN };

	if (sigfd < 0) {
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	} else if (poll(&pfd, 1, (int)ms) > 0) {
		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
	}
	guest_reap(ch);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int guest_wait_child(struct guest_children *ch, int sigfd, pid_t pid, unsigned ms, int *status)
{
	uint64_t end = mono_ms() + ms;

	for (;;) {
		uint64_t now;

		guest_reap(ch);
		if (guest_child_exited(ch, pid, status) == 1)
			return 1;
		now = mono_ms();
		if (now >= end)
			return 0;
		guest_wait_ms(ch, sigfd, (unsigned)(end - now < 50 ? end - now : 50));
	}
}

void guest_children_free(struct guest_children *ch)
{
	free(ch->v);
	memset(ch, 0, sizeof(*ch));
}
