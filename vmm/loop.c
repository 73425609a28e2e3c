// SPDX-License-Identifier: GPL-2.0-only
/*
 * loop.c — the VMM's io_uring event loop (evloop.h), one per run.
 *
 * Waits on: the VM process exit (pidfd), a 20 ms tick (drain the guest
 * ring into guest.frames, heartbeat, thaw-on-deadline, escalation of a
 * stop to SIGKILL), the run deadline, SIGINT/SIGTERM/SIGHUP (signalfd),
 * QEMU's stderr and QMP events (poll), and the two control request
 * rings (coordinator, monitor; futex doorbells).  The loop ends when the
 * VM process is gone and has been reaped; a last drain follows.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <ktstr/evloop.h>

#include "run.h"

#define TICK_NS		(20ull * 1000 * 1000)
#define KILL_GRACE_NS	(2ull * 1000 * 1000 * 1000)	/* quit -> SIGKILL */
#define EXIT_GRACE_NS	(10ull * 1000 * 1000 * 1000)	/* EXIT frame -> poweroff */

static void loop_request_stop(struct vmm_run *r, enum vmm_outcome why)
{
	if (r->stop_sent_ns)
		return;
	if (why != VMM_OUT_NONE && r->outcome == VMM_OUT_NONE)
		r->outcome = why;
	r->stop_sent_ns = vmm_now_ns();
	r->be->stop(r, false);
}

static int on_exit_fd(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct vmm_run *r = arg;
	int ret = r->be->reap(r, &r->wstatus);

	if (ret == 0) {
		r->reaped = true;
		ktstr_evloop_stop(loop, 0);
	} else {
		vmm_log(r, "warn", "VM process exit noticed but not reaped: %s", strerror(-ret));
		ktstr_evloop_stop(loop, ret);
	}
	return KTSTR_EV_DONE;
}

static int on_tick(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct vmm_run *r = arg;
	uint64_t now;

	vmm_drain(r);
	vmm_ctl_tick(r);
	now = vmm_now_ns();
	if (r->stop_sent_ns && now - r->stop_sent_ns > KILL_GRACE_NS) {
		vmm_log(r, "warn", "VM still there %llu ms after stop: killing it",
			(unsigned long long)((now - r->stop_sent_ns) / 1000000));
		r->be->stop(r, true);
		r->stop_sent_ns = now;	/* retry kill every grace period */
	}
	if (r->got_exit && !r->stop_sent_ns && r->first_exit_ns &&
	    now - r->first_exit_ns > EXIT_GRACE_NS) {
		vmm_log(r, "warn", "guest sent EXIT but did not power off in %llu s: stopping it",
			EXIT_GRACE_NS / 1000000000ull);
		loop_request_stop(r, VMM_OUT_NONE);
	}
	if (r->got_exit && !r->first_exit_ns)
		r->first_exit_ns = now;
	return KTSTR_EV_REARM;
}

static int on_deadline(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct vmm_run *r = arg;

	vmm_log(r, "warn", "deadline of %llu ms reached: stopping the VM",
		(unsigned long long)r->cfg.deadline_ms);
	vmm_drain(r);
	loop_request_stop(r, r->got_exit ? VMM_OUT_NONE : VMM_OUT_TIMEOUT);
	return KTSTR_EV_DONE;
}

static int on_signal(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct vmm_run *r = arg;
	struct signalfd_siginfo si;

	while (read(r->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (r->signal) {
			r->be->stop(r, true);	/* second signal: no more grace */
			continue;
		}
		r->signal = (int)si.ssi_signo;
		vmm_log(r, "warn", "signal %d: stopping the VM", r->signal);
		loop_request_stop(r, VMM_OUT_INTERRUPTED);
	}
	return KTSTR_EV_REARM;
}

static int on_log(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct vmm_run *r = arg;

	return r->be->relay_log(r, false) == -EPIPE ? KTSTR_EV_DONE : KTSTR_EV_REARM;
}

static int on_qmp(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct vmm_run *r = arg;

	return r->be->events(r) < 0 ? KTSTR_EV_DONE : KTSTR_EV_REARM;
}

static int on_ctl(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg,
		  int which)
{
	struct vmm_run *r = arg;

	if (res < 0 || vmm_ctl_serve(r, which) < 0) {
		vmm_log(r, "warn", "control ring %d corrupt: no longer served", which);
		return KTSTR_EV_DONE;
	}
	return KTSTR_EV_REARM;
}

static int on_ctl_coord(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	return on_ctl(loop, ev, res, arg, 0);
}

static int on_ctl_mon(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	return on_ctl(loop, ev, res, arg, 1);
}

static int loop_register(struct ktstr_evloop *loop, struct vmm_run *r)
{
	int fd, ret;

	ret = ktstr_evloop_pidfd(loop, r->be->exit_fd(r), on_exit_fd, r, NULL);
	if (!ret)
		ret = ktstr_evloop_timer(loop, TICK_NS, TICK_NS, on_tick, r, NULL);
	if (!ret && r->cfg.deadline_ms)
		ret = ktstr_evloop_timer_at(loop, r->start_ns + r->cfg.deadline_ms * 1000000ull, 0,
					    on_deadline, r, NULL);
	if (!ret && r->sig_fd >= 0)
		ret = ktstr_evloop_poll(loop, r->sig_fd, POLLIN, on_signal, r, NULL);
	if (!ret && (fd = r->be->log_fd(r)) >= 0)
		ret = ktstr_evloop_poll(loop, fd, POLLIN, on_log, r, NULL);
	if (!ret && (fd = r->be->event_fd(r)) >= 0)
		ret = ktstr_evloop_poll(loop, fd, POLLIN, on_qmp, r, NULL);
	if (!ret && vmm_ctl_cons(r, 0))
		ret = ktstr_evloop_ring(loop, vmm_ctl_cons(r, 0), on_ctl_coord, r, NULL);
	if (!ret && vmm_ctl_cons(r, 1))
		ret = ktstr_evloop_ring(loop, vmm_ctl_cons(r, 1), on_ctl_mon, r, NULL);
	return ret;
}

int vmm_loop_run(struct vmm_run *r)
{
	struct ktstr_evloop *loop;
	int ret;

	ret = ktstr_evloop_create(&loop, NULL);
	if (ret < 0) {
		snprintf(r->fail_reason, sizeof(r->fail_reason), "io_uring event loop: %s",
			 strerror(-ret));
		return ret;
	}
	ret = loop_register(loop, r);
	if (ret < 0)
		snprintf(r->fail_reason, sizeof(r->fail_reason), "event loop registration: %s",
			 strerror(-ret));
	else
		ret = ktstr_evloop_run_until(loop, 0);
	ktstr_evloop_destroy(loop);
	vmm_drain(r);	/* frames written just before the end */
	return ret;
}
