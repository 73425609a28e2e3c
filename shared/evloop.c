// SPDX-License-Identifier: GPL-2.0-only
/*
 * evloop.c — the io_uring event loop (see evloop.h).
 *
 * Every registration is a heap `struct ktstr_ev` whose address is the
 * user_data of its SQEs.  It is freed only when it is removed and no SQE of
 * it is in flight, so a late CQE never touches freed memory.  Everything is
 * single-shot and re-armed from the completion (works on any io_uring
 * kernel; no multishot dependency).
 */
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ktstr/evloop.h"

#define UD_IGNORE 1ull	/* our own cancel SQEs; never a valid pointer */

enum ev_kind { EV_TIMER, EV_POLL, EV_PIDFD, EV_EVENTFD, EV_FUTEX, EV_RING, EV_WRITE };

struct ktstr_ev {
	struct ktstr_evloop *loop;
	struct ktstr_ev *prev, *next;
	enum ev_kind kind;
	ktstr_ev_cb cb;
	void *arg;
	unsigned inflight;
	unsigned cancelled : 1, in_cb : 1, val_set : 1, is_nop : 1;
	int fd;
	unsigned events;
	int err;				/* ring: error to report via NOP */
	uint64_t when_ns, period_ns;
	struct __kernel_timespec ts;
	const uint32_t *word;
	uint32_t val;
	struct ktstr_spsc_cons *cons;
	uint64_t efd_val;
	uint8_t *buf;
	size_t len, done;
	int64_t off;
};

struct ktstr_evloop {
	struct io_uring ring;
	struct ktstr_ev list;			/* sentinel */
	unsigned count;
	int native_futex;
	uint64_t futex_poll_ns;
	int stopped, stop_status;
};

static struct io_uring_sqe *sqe_get(struct ktstr_evloop *loop)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&loop->ring);

	if (!sqe) {
		io_uring_submit(&loop->ring);
		sqe = io_uring_get_sqe(&loop->ring);
	}
	return sqe;
}

static void ts_set(struct __kernel_timespec *ts, uint64_t ns)
{
	ts->tv_sec = (long long)(ns / 1000000000ull);
	ts->tv_nsec = (long long)(ns % 1000000000ull);
}

/* ---- arming ---- */

static void prep_poll_timer(struct ktstr_ev *ev, struct io_uring_sqe *sqe)
{
	ts_set(&ev->ts, ev->loop->futex_poll_ns);
	io_uring_prep_timeout(sqe, &ev->ts, 0, 0);
}

static void prep_futex(struct ktstr_ev *ev, struct io_uring_sqe *sqe)
{
	if (ev->loop->native_futex)
		ktstr_uring_prep_futex_wait(sqe, ev->word, ev->val);
	else
		prep_poll_timer(ev, sqe);
}

/* Ring: arm the doorbell, or complete at once (NOP) when data is there. */
static void prep_ring(struct ktstr_ev *ev, struct io_uring_sqe *sqe)
{
	const uint32_t *word;
	uint32_t val;
	int r = ktstr_spsc_cons_arm(ev->cons, &word, &val);

	ev->is_nop = r != 0;
	if (r != 0) {
		ev->err = r < 0 ? r : 0;
		io_uring_prep_nop(sqe);
		return;
	}
	ev->word = word;
	ev->val = val;
	prep_futex(ev, sqe);
}

static int ev_arm(struct ktstr_ev *ev)
{
	struct io_uring_sqe *sqe = sqe_get(ev->loop);

	if (!sqe)
		return -EBUSY;
	switch (ev->kind) {
	case EV_TIMER:
		ts_set(&ev->ts, ev->when_ns);
		io_uring_prep_timeout(sqe, &ev->ts, 0, IORING_TIMEOUT_ABS);
		break;
	case EV_POLL:
	case EV_PIDFD:
		io_uring_prep_poll_add(sqe, ev->fd, ev->events);
		break;
	case EV_EVENTFD:
		io_uring_prep_read(sqe, ev->fd, &ev->efd_val, sizeof(ev->efd_val), (uint64_t)-1);
		break;
	case EV_FUTEX:
		prep_futex(ev, sqe);
		break;
	case EV_RING:
		prep_ring(ev, sqe);
		break;
	case EV_WRITE:
		io_uring_prep_write(sqe, ev->fd, ev->buf + ev->done, (unsigned)(ev->len - ev->done),
				    ev->off < 0 ? (uint64_t)-1 : (uint64_t)ev->off + ev->done);
		break;
	}
	io_uring_sqe_set_data(sqe, ev);
	ev->inflight++;
	return 0;
}

/* ---- registration bookkeeping ---- */

static struct ktstr_ev *ev_new(struct ktstr_evloop *loop, enum ev_kind kind, ktstr_ev_cb cb, void *arg)
{
	struct ktstr_ev *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->loop = loop;
	ev->kind = kind;
	ev->cb = cb;
	ev->arg = arg;
	ev->fd = -1;
	ev->next = loop->list.next;
	ev->prev = &loop->list;
	loop->list.next->prev = ev;
	loop->list.next = ev;
	loop->count++;
	return ev;
}

static void ev_free(struct ktstr_ev *ev)
{
	ev->prev->next = ev->next;
	ev->next->prev = ev->prev;
	if (!ev->cancelled)
		ev->loop->count--;
	free(ev->buf);
	free(ev);
}

static int ev_start(struct ktstr_ev *ev, struct ktstr_ev **out)
{
	int r = ev_arm(ev);

	if (r) {
		ev_free(ev);
		return r;
	}
	if (out)
		*out = ev;
	return 0;
}

void ktstr_evloop_cancel(struct ktstr_evloop *loop, struct ktstr_ev *ev)
{
	struct io_uring_sqe *sqe;

	if (!ev || ev->cancelled)
		return;
	if (ev->kind == EV_RING)
		ktstr_spsc_cons_disarm(ev->cons);
	ev->cancelled = 1;
	loop->count--;
	if (ev->inflight) {
		sqe = sqe_get(loop);
		if (sqe) {
			io_uring_prep_cancel64(sqe, (uint64_t)(uintptr_t)ev, 0);
			io_uring_sqe_set_data64(sqe, UD_IGNORE);
		}
		return;
	}
	if (!ev->in_cb)
		ev_free(ev);
}

/* ---- completion ---- */

static void loop_fail(struct ktstr_evloop *loop, int err)
{
	if (!loop->stopped) {
		loop->stopped = 1;
		loop->stop_status = err;
	}
}

/* Run the callback; afterwards re-arm (rearm && it asked) or remove. */
static void ev_call(struct ktstr_ev *ev, int res, int rearmable)
{
	struct ktstr_evloop *loop = ev->loop;
	int ret = KTSTR_EV_DONE, r;

	if (ev->cb) {
		ev->in_cb = 1;
		ret = ev->cb(loop, ev, res, ev->arg);
		ev->in_cb = 0;
	}
	if (ret < 0)
		loop_fail(loop, ret);
	if (!ev->cancelled && ret == KTSTR_EV_REARM && rearmable && res >= 0) {
		if (ev->kind == EV_FUTEX && !ev->val_set)
			ev->val = __atomic_load_n(ev->word, __ATOMIC_ACQUIRE);
		ev->val_set = 0;
		r = ev_arm(ev);
		if (r == 0)
			return;
		loop_fail(loop, r);
	}
	if (ev->kind == EV_RING)
		ktstr_spsc_cons_disarm(ev->cons);
	if (!ev->cancelled) {
		ev->cancelled = 1;
		loop->count--;
	}
	if (!ev->inflight)
		ev_free(ev);
}

static void rearm_quiet(struct ktstr_ev *ev)
{
	int r = ev_arm(ev);

	if (r)
		ev_call(ev, r, 0);
}

static void done_timer(struct ktstr_ev *ev, int res)
{
	uint64_t now, n = 1;

	if (res != -ETIME && res < 0) {
		ev_call(ev, res, 0);
		return;
	}
	if (ev->period_ns) {
		now = ktstr_mono_ns();
		if (now > ev->when_ns)
			n = 1 + (now - ev->when_ns) / ev->period_ns;
		ev->when_ns += n * ev->period_ns;
	}
	ev_call(ev, (int)(n > 0x7fffffff ? 0x7fffffff : n), ev->period_ns != 0);
}

/* futex completion: native (0 / -EAGAIN = fired) or fallback poll tick */
static int futex_fired(struct ktstr_ev *ev, int res, int *err)
{
	*err = 0;
	if (!ev->loop->native_futex || res == -ETIME)
		return __atomic_load_n(ev->word, __ATOMIC_ACQUIRE) != ev->val;
	if (res == 0 || res == -EAGAIN)
		return 1;
	if (res == -EINVAL || res == -EOPNOTSUPP) {
		ev->loop->native_futex = 0;	/* kernel refused it at run time */
		return 0;
	}
	if (res != -EINTR)
		*err = res;
	return 0;
}

static void done_futex(struct ktstr_ev *ev, int res)
{
	int err;

	if (futex_fired(ev, res, &err))
		ev_call(ev, 0, 1);
	else if (err)
		ev_call(ev, err, 0);
	else
		rearm_quiet(ev);
}

static void done_ring(struct ktstr_ev *ev, int res)
{
	int err;

	if (ev->is_nop) {
		ev_call(ev, ev->err, 1);
		return;
	}
	if (futex_fired(ev, res, &err) || (!err && ktstr_spsc_pending(ev->cons))) {
		ktstr_spsc_cons_disarm(ev->cons);
		ev_call(ev, 0, 1);
	} else if (err) {
		ev_call(ev, err, 0);
	} else {
		ktstr_spsc_cons_disarm(ev->cons);
		rearm_quiet(ev);
	}
}

static void done_write(struct ktstr_ev *ev, int res)
{
	if (res == -EINTR || res == -EAGAIN) {
		rearm_quiet(ev);
		return;
	}
	if (res == 0 && ev->done < ev->len)
		res = -EIO;
	if (res < 0) {
		ev_call(ev, res, 0);
		return;
	}
	ev->done += (size_t)res;
	if (ev->done < ev->len)
		rearm_quiet(ev);
	else
		ev_call(ev, ev->done > 0x7fffffff ? 0x7fffffff : (int)ev->done, 0);
}

static void ev_complete(struct ktstr_ev *ev, int res)
{
	ev->inflight--;
	if (ev->cancelled) {
		if (!ev->inflight && !ev->in_cb)
			ev_free(ev);
		return;
	}
	switch (ev->kind) {
	case EV_TIMER:
		done_timer(ev, res);
		break;
	case EV_POLL:
		ev_call(ev, res, 1);
		break;
	case EV_PIDFD:
		ev_call(ev, res < 0 ? res : 0, 0);
		break;
	case EV_EVENTFD:
		if (res == -EINTR || res == -EAGAIN)
			rearm_quiet(ev);
		else
			ev_call(ev, res == 8 ? (int)(ev->efd_val > 0x7fffffff ? 0x7fffffff : ev->efd_val)
					     : (res < 0 ? res : -EIO), 1);
		break;
	case EV_FUTEX:
		done_futex(ev, res);
		break;
	case EV_RING:
		done_ring(ev, res);
		break;
	case EV_WRITE:
		done_write(ev, res);
		break;
	}
}

/* Dispatch every completion already posted; returns how many. */
static unsigned reap(struct ktstr_evloop *loop)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	while (!loop->stopped && io_uring_peek_cqe(&loop->ring, &cqe) == 0) {
		uint64_t ud = cqe->user_data;
		int res = cqe->res;

		io_uring_cqe_seen(&loop->ring, cqe);
		n++;
		if (ud != UD_IGNORE && ud != 0)
			ev_complete((struct ktstr_ev *)(uintptr_t)ud, res);
	}
	return n;
}

/* ---- public: lifecycle and run ---- */

int ktstr_evloop_create(struct ktstr_evloop **out, const struct ktstr_evloop_opts *opts)
{
	struct ktstr_evloop *loop = calloc(1, sizeof(*loop));
	unsigned entries = opts && opts->entries ? opts->entries : 128;
	int r;

	if (!loop)
		return -ENOMEM;
	r = io_uring_queue_init(entries, &loop->ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN);
	if (r == -EINVAL)
		r = io_uring_queue_init(entries, &loop->ring, 0);
	if (r) {
		free(loop);
		return r;
	}
	loop->list.next = loop->list.prev = &loop->list;
	loop->futex_poll_ns = opts && opts->futex_poll_ns ? opts->futex_poll_ns : 1000000;
	loop->native_futex = !(opts && (opts->flags & KTSTR_EVLOOP_NO_FUTEX_OP)) &&
			     ktstr_uring_op_supported(&loop->ring, KTSTR_IORING_OP_FUTEX_WAIT) == 1;
	*out = loop;
	return 0;
}

void ktstr_evloop_destroy(struct ktstr_evloop *loop)
{
	struct __kernel_timespec ts = { .tv_nsec = 10000000 };
	struct io_uring_cqe *cqe;
	struct ktstr_ev *ev, *next;
	uint64_t end = ktstr_mono_ns() + 1000000000ull;

	if (!loop)
		return;
	for (ev = loop->list.next; ev != &loop->list; ev = next) {
		next = ev->next;
		ktstr_evloop_cancel(loop, ev);
	}
	loop->stopped = 0;
	while (loop->list.next != &loop->list && ktstr_mono_ns() < end) {
		io_uring_submit_and_wait_timeout(&loop->ring, &cqe, 1, &ts, NULL);
		reap(loop);
	}
	io_uring_queue_exit(&loop->ring);
	for (ev = loop->list.next; ev != &loop->list; ev = next) {
		next = ev->next;
		free(ev->buf);
		free(ev);
	}
	free(loop);
}

void ktstr_evloop_stop(struct ktstr_evloop *loop, int status)
{
	if (!loop->stopped) {
		loop->stopped = 1;
		loop->stop_status = status;
	}
}

int ktstr_evloop_run_until(struct ktstr_evloop *loop, uint64_t deadline_ns)
{
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	uint64_t now;
	int r;

	while (!loop->stopped) {
		now = ktstr_mono_ns();
		if (deadline_ns && now >= deadline_ns)
			return -ETIME;
		if (!deadline_ns && loop->list.next == &loop->list)
			return -ENOENT;	/* nothing registered: would sleep forever */
		if (deadline_ns)
			ts_set(&ts, deadline_ns - now);
		r = io_uring_submit_and_wait_timeout(&loop->ring, &cqe, 1, deadline_ns ? &ts : NULL, NULL);
		if (r < 0 && r != -ETIME && r != -EINTR && r != -EAGAIN && r != -EBUSY)
			return r;
		reap(loop);
	}
	io_uring_submit(&loop->ring);	/* leave re-arms from the last callbacks queued in the kernel */
	loop->stopped = 0;
	return loop->stop_status;
}

int ktstr_evloop_native_futex(const struct ktstr_evloop *loop)
{
	return loop->native_futex;
}

unsigned ktstr_evloop_count(const struct ktstr_evloop *loop)
{
	return loop->count;
}

/* ---- public: registrations ---- */

int ktstr_evloop_timer_at(struct ktstr_evloop *loop, uint64_t when_ns, uint64_t period_ns,
			  ktstr_ev_cb cb, void *arg, struct ktstr_ev **out)
{
	struct ktstr_ev *ev = ev_new(loop, EV_TIMER, cb, arg);

	if (!ev)
		return -ENOMEM;
	ev->when_ns = when_ns;
	ev->period_ns = period_ns;
	return ev_start(ev, out);
}

int ktstr_evloop_timer(struct ktstr_evloop *loop, uint64_t delay_ns, uint64_t period_ns,
		       ktstr_ev_cb cb, void *arg, struct ktstr_ev **out)
{
	return ktstr_evloop_timer_at(loop, ktstr_mono_ns() + delay_ns, period_ns, cb, arg, out);
}

static int fd_reg(struct ktstr_evloop *loop, enum ev_kind kind, int fd, unsigned events,
		  ktstr_ev_cb cb, void *arg, struct ktstr_ev **out)
{
	struct ktstr_ev *ev;

	if (fd < 0)
		return -EBADF;
	ev = ev_new(loop, kind, cb, arg);
	if (!ev)
		return -ENOMEM;
	ev->fd = fd;
	ev->events = events;
	return ev_start(ev, out);
}

int ktstr_evloop_poll(struct ktstr_evloop *loop, int fd, unsigned events,
		      ktstr_ev_cb cb, void *arg, struct ktstr_ev **out)
{
	return fd_reg(loop, EV_POLL, fd, events, cb, arg, out);
}

int ktstr_evloop_pidfd(struct ktstr_evloop *loop, int pidfd, ktstr_ev_cb cb, void *arg,
		       struct ktstr_ev **out)
{
	return fd_reg(loop, EV_PIDFD, pidfd, POLLIN, cb, arg, out);
}

int ktstr_evloop_eventfd(struct ktstr_evloop *loop, int efd, ktstr_ev_cb cb, void *arg,
			 struct ktstr_ev **out)
{
	return fd_reg(loop, EV_EVENTFD, efd, 0, cb, arg, out);
}

int ktstr_evloop_futex(struct ktstr_evloop *loop, const uint32_t *word, uint32_t val,
		       ktstr_ev_cb cb, void *arg, struct ktstr_ev **out)
{
	struct ktstr_ev *ev;

	if (!word || ((uintptr_t)word & 3))
		return -EINVAL;
	ev = ev_new(loop, EV_FUTEX, cb, arg);
	if (!ev)
		return -ENOMEM;
	ev->word = word;
	ev->val = val;
	return ev_start(ev, out);
}

void ktstr_ev_futex_set(struct ktstr_ev *ev, uint32_t val)
{
	ev->val = val;
	ev->val_set = 1;
}

int ktstr_evloop_ring(struct ktstr_evloop *loop, struct ktstr_spsc_cons *c,
		      ktstr_ev_cb cb, void *arg, struct ktstr_ev **out)
{
	struct ktstr_ev *ev;

	if (!c || !c->sh)
		return -EINVAL;
	ev = ev_new(loop, EV_RING, cb, arg);
	if (!ev)
		return -ENOMEM;
	ev->cons = c;
	return ev_start(ev, out);
}

int ktstr_evloop_write(struct ktstr_evloop *loop, int fd, const void *buf, size_t len, int64_t off,
		       ktstr_ev_cb cb, void *arg)
{
	struct ktstr_ev *ev;

	if (fd < 0)
		return -EBADF;
	if (len == 0 || len > 0x7fffffff)
		return -EINVAL;
	ev = ev_new(loop, EV_WRITE, cb, arg);
	if (!ev)
		return -ENOMEM;
	ev->buf = malloc(len);
	if (!ev->buf) {
		ev_free(ev);
		return -ENOMEM;
	}
	memcpy(ev->buf, buf, len);
	ev->fd = fd;
	ev->len = len;
	ev->off = off;
	return ev_start(ev, NULL);
}
