// SPDX-License-Identifier: GPL-2.0-only
/*
 * comprt.c — common runtime of ktstr-coord, ktstr-symsvc, ktstr-monitor.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ktstr/comprt.h"

int ktstr_comprt_read_line(const struct ktstr_comprt *rt, const char *name, char *buf, size_t len)
{
	int fd = openat(rt->rd.fd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] ? 0 : -ENODATA;
}

static int comprt_open_ctl(struct ktstr_comprt *rt, unsigned wait_ms, char *err, size_t errlen)
{
	uint64_t deadline = ktstr_mono_ns() + (uint64_t)wait_ms * 1000000ull;
	char name[160], path[200];
	int r;

	for (;;) {
		r = ktstr_comprt_read_line(rt, "ctl.shm", name, sizeof(name));
		if (r == 0) {
			snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : KTSTR_CTL_SHM_DIR "/",
				 name);
			r = ktstr_ctl_open(&rt->ctl, path, err, errlen);
			if (r == 0)
				return 0;
		} else {
			snprintf(err, errlen, "%s/ctl.shm: %s (is ktstr-vmm running?)", rt->rd.path,
				 strerror(-r));
		}
		if (ktstr_mono_ns() >= deadline)
			return -1;
		usleep(50 * 1000);
	}
}

static int comprt_on_signal(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct ktstr_comprt *rt = arg;
	struct signalfd_siginfo si;

	if (read(rt->sigfd, &si, sizeof(si)) != sizeof(si))
		return KTSTR_EV_REARM;
	ktstr_comprt_stop(rt, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return KTSTR_EV_DONE;
}

static int comprt_on_vmm_exit(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	ktstr_comprt_stop(arg, "the VMM exited");
	return KTSTR_EV_DONE;
}

static int comprt_on_heartbeat(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct ktstr_comprt *rt = arg;
	struct ktstr_ctl_comp_slot vmm;

	if (rt->registered)
		ktstr_ctl_heartbeat(&rt->ctl, rt->comp);
	ktstr_ctl_comp_get(&rt->ctl, KTSTR_COMP_VMM, &vmm);
	if (vmm.state == KTSTR_STATE_DEAD)
		ktstr_comprt_stop(rt, "the VMM is dead");
	return KTSTR_EV_REARM;
}

static int comprt_signals(struct ktstr_comprt *rt)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	rt->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (rt->sigfd < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return ktstr_evloop_poll(rt->loop, rt->sigfd, POLLIN, comprt_on_signal, rt, NULL);
}

int ktstr_comprt_open(struct ktstr_comprt *rt, enum ktstr_comp comp, const char *run_dir,
		      bool register_slot, unsigned wait_ms, char *err, size_t errlen)
{
	int r;

	memset(rt, 0, sizeof(*rt));
	rt->comp = comp;
	rt->sigfd = rt->vmm_pidfd = -1;
	rt->rd.fd = -1;
	ktstr_log_init(&rt->log, ktstr_comp_name(comp), NULL, 2);
	if (ktstr_rundir_open(&rt->rd, run_dir, NULL, err, errlen))
		return -1;
	ktstr_log_init(&rt->log, ktstr_comp_name(comp), rt->rd.run_id, 2);
	if (comprt_open_ctl(rt, wait_ms, err, errlen))
		goto fail;
	rt->have_ctl = true;
	r = ktstr_evloop_create(&rt->loop, NULL);
	if (r) {
		snprintf(err, errlen, "io_uring event loop: %s", strerror(-r));
		goto fail;
	}
	r = comprt_signals(rt);
	if (!r)
		r = ktstr_evloop_timer(rt->loop, KTSTR_COMPRT_HEARTBEAT_NS, KTSTR_COMPRT_HEARTBEAT_NS,
				       comprt_on_heartbeat, rt, NULL);
	if (r) {
		snprintf(err, errlen, "event loop setup: %s", strerror(-r));
		goto fail;
	}
	rt->vmm_pidfd = ktstr_ctl_peer_pidfd(&rt->ctl, KTSTR_COMP_VMM);
	if (rt->vmm_pidfd >= 0)
		ktstr_evloop_pidfd(rt->loop, rt->vmm_pidfd, comprt_on_vmm_exit, rt, NULL);
	else
		ktstr_log_warn(&rt->log, "cannot watch the VMM process (%s); relying on its slot state",
			       strerror(-rt->vmm_pidfd));
	if (register_slot) {
		ktstr_ctl_register(&rt->ctl, comp);
		rt->registered = true;
	}
	return 0;
fail:
	ktstr_comprt_close(rt);
	return -1;
}

void ktstr_comprt_ready(struct ktstr_comprt *rt)
{
	if (rt->registered)
		ktstr_ctl_set_state(&rt->ctl, rt->comp, KTSTR_STATE_READY);
}

void ktstr_comprt_stop(struct ktstr_comprt *rt, const char *why)
{
	if (rt->stop_reason)
		return;
	rt->stop_reason = why;
	if (rt->registered)
		ktstr_ctl_set_state(&rt->ctl, rt->comp, KTSTR_STATE_STOPPING);
	if (rt->on_stop)
		rt->on_stop(rt, rt->arg);
	ktstr_evloop_stop(rt->loop, 0);
}

int ktstr_comprt_run(struct ktstr_comprt *rt)
{
	int r = ktstr_evloop_run_until(rt->loop, 0);

	if (r < 0 && !rt->stop_reason) {
		ktstr_log_err(&rt->log, "event loop failed: %s", strerror(-r));
		ktstr_comprt_stop(rt, "event loop error");
	}
	return r < 0 ? r : 0;
}

void ktstr_comprt_close(struct ktstr_comprt *rt)
{
	if (rt->loop)
		ktstr_evloop_destroy(rt->loop);
	rt->loop = NULL;
	if (rt->registered)
		ktstr_ctl_set_state(&rt->ctl, rt->comp, KTSTR_STATE_DEAD);
	rt->registered = false;
	if (rt->have_ctl)
		ktstr_ctl_close(&rt->ctl);
	rt->have_ctl = false;
	if (rt->sigfd >= 0)
		close(rt->sigfd);
	if (rt->vmm_pidfd >= 0)
		close(rt->vmm_pidfd);
	rt->sigfd = rt->vmm_pidfd = -1;
	ktstr_rundir_close(&rt->rd);
}

static bool comprt_is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool comprt_try(char *out, size_t len, const char *dir, const char *id)
{
	return (size_t)snprintf(out, len, "%s/%s", dir, id) < len && comprt_is_dir(out);
}

int ktstr_comprt_find_run(const char *what, char *out, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("KTSTR_RUN_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	char dir[PATH_MAX], *slash;

	if (strchr(what, '/') || comprt_is_dir(what)) {
		if (!comprt_is_dir(what)) {
			snprintf(err, errlen, "--attach %s: not a directory", what);
			return -1;
		}
		snprintf(out, len, "%s", what);
		return 0;
	}
	if (!ktstr_run_id_valid(what)) {
		snprintf(err, errlen, "--attach %s: not a run id ([A-Za-z0-9._-]) or a directory", what);
		return -1;
	}
	if (env && *env) {
		if (comprt_try(out, len, env, what))	/* $KTSTR_RUN_DIR as the root */
			return 0;
		snprintf(dir, sizeof(dir), "%s", env);	/* or as one run: its siblings */
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (comprt_try(out, len, dir, what))
				return 0;
		}
	}
	snprintf(dir, sizeof(dir), "%s/ktstr", xdg && xdg[0] == '/' ? xdg : "/tmp");
	if (comprt_try(out, len, dir, what))
		return 0;
	snprintf(err, errlen, "--attach %s: no such run (looked in and beside $KTSTR_RUN_DIR and "
		 "under ${XDG_RUNTIME_DIR:-/tmp}/ktstr)", what);
	return -1;
}
