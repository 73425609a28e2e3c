/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evloop.h — the io_uring event loop every long-lived ktstr process runs.
 *
 * One loop per process (or per thread that needs one), no globals.  It waits
 * on everything a component waits on, in one place:
 *   - timers: one-shot or periodic, absolute CLOCK_MONOTONIC deadlines
 *     (IORING_OP_TIMEOUT with IORING_TIMEOUT_ABS, so periods do not drift);
 *   - ring doorbells: a consumer's SPSC ring (spsc.h) — futex words in
 *     shared memory waited with IORING_OP_FUTEX_WAIT when the kernel has it
 *     (probed at runtime; liburing 2.3 has no helper, the SQE is filled by
 *     hand), otherwise a bounded poll of the word (opts.futex_poll_ns);
 *   - raw futex words and eventfds;
 *   - fd readiness (poll) and pidfd exit (poll, one shot);
 *   - asynchronous writes (log/sample files), copied, retried on short writes.
 *
 * Callbacks run on the thread calling ktstr_evloop_run_until().  A callback
 * returns KTSTR_EV_REARM to stay armed (poll/timer/futex/ring/eventfd),
 * KTSTR_EV_DONE to be removed, or a negative errno to stop the loop with
 * that error.  One-shot kinds (one-shot timers, pidfd, write) are removed
 * after their callback whatever it returns (unless negative: loop stops).
 * `res` is per kind, documented at each registration function; a negative
 * res is an error from the kernel and the registration is removed after the
 * callback.  -ECANCELED never reaches a callback: ktstr_evloop_cancel()
 * means no further callbacks.
 */
#ifndef KTSTR_EVLOOP_H
#define KTSTR_EVLOOP_H

#include <stddef.h>
#include <stdint.h>

#include "ktstr/spsc.h"

struct ktstr_evloop;
struct ktstr_ev;
struct io_uring;
struct io_uring_sqe;

#define KTSTR_EV_REARM	0
#define KTSTR_EV_DONE	1

typedef int (*ktstr_ev_cb)(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg);

#define KTSTR_EVLOOP_NO_FUTEX_OP	(1u << 0)	/* force the polling fallback (tests) */

struct ktstr_evloop_opts {
	unsigned entries;	/* SQ entries; 0 = 128 */
	unsigned flags;		/* KTSTR_EVLOOP_* */
	uint64_t futex_poll_ns;	/* fallback re-check period; 0 = 1 ms */
};

/* opts may be NULL.  -errno (e.g. -ENOSYS/-EPERM when io_uring is off). */
int ktstr_evloop_create(struct ktstr_evloop **out, const struct ktstr_evloop_opts *opts);
/* Cancels everything, waits (bounded) for in-flight I/O, frees. */
void ktstr_evloop_destroy(struct ktstr_evloop *loop);

/*
 * Run callbacks until ktstr_evloop_stop() or the absolute CLOCK_MONOTONIC
 * deadline (0 = none).  Returns the status given to stop (>= 0 by
 * convention), -ETIME when the deadline passed, or a negative errno from a
 * callback or from io_uring, -ENOENT with no deadline and nothing registered.
 * EINTR is retried internally.  The loop is single-issuer: create it in the
 * thread (and process) that runs it.
 */
int ktstr_evloop_run_until(struct ktstr_evloop *loop, uint64_t deadline_ns);
/* Make run_until return `status` after the current callback. */
void ktstr_evloop_stop(struct ktstr_evloop *loop, int status);

/* 1 when futex doorbells use IORING_OP_FUTEX_WAIT, 0 when polled. */
int ktstr_evloop_native_futex(const struct ktstr_evloop *loop);
/* Registrations alive (armed or in flight). */
unsigned ktstr_evloop_count(const struct ktstr_evloop *loop);

/*
 * Every registration returns 0 and optionally *out (a handle valid until its
 * removal, for ktstr_evloop_cancel), or -errno (-ENOMEM, -EINVAL).
 */

/* Timer at absolute `when_ns`, then every period_ns (0 = one shot).
 * res = number of periods elapsed since the last call (>= 1; > 1 means the
 * loop fell behind and ticks were merged). */
int ktstr_evloop_timer_at(struct ktstr_evloop *loop, uint64_t when_ns, uint64_t period_ns,
			  ktstr_ev_cb cb, void *arg, struct ktstr_ev **out);
/* Same, first expiry now + delay_ns. */
int ktstr_evloop_timer(struct ktstr_evloop *loop, uint64_t delay_ns, uint64_t period_ns,
		       ktstr_ev_cb cb, void *arg, struct ktstr_ev **out);

/* fd readiness; res = revents (POLLIN...). Re-armed on KTSTR_EV_REARM. */
int ktstr_evloop_poll(struct ktstr_evloop *loop, int fd, unsigned events,
		      ktstr_ev_cb cb, void *arg, struct ktstr_ev **out);

/* One shot: the process behind pidfd exited; res = 0. */
int ktstr_evloop_pidfd(struct ktstr_evloop *loop, int pidfd,
		       ktstr_ev_cb cb, void *arg, struct ktstr_ev **out);

/* eventfd doorbell (blocking or not): res = counter value read (> 0). */
int ktstr_evloop_eventfd(struct ktstr_evloop *loop, int efd,
			 ktstr_ev_cb cb, void *arg, struct ktstr_ev **out);

/*
 * Raw futex word in (shared) memory: fires when *word != val (woken, or
 * already different); res = 0.  Before returning KTSTR_EV_REARM, set the
 * value to sleep on with ktstr_ev_futex_set() (else it re-arms with the
 * word's current value).  The memory must stay mapped until removal.
 */
int ktstr_evloop_futex(struct ktstr_evloop *loop, const uint32_t *word, uint32_t val,
		       ktstr_ev_cb cb, void *arg, struct ktstr_ev **out);
void ktstr_ev_futex_set(struct ktstr_ev *ev, uint32_t val);

/*
 * SPSC ring consumer: fires when messages are queued (at once if some
 * already are); the callback drains (ktstr_spsc_consume/peek/recv) and
 * returns KTSTR_EV_REARM.  res = 0, or -EBADMSG when the ring is corrupt
 * (then removed).  The loop arms with ktstr_spsc_cons_arm(), so no message
 * is missed between the drain and the sleep.
 */
int ktstr_evloop_ring(struct ktstr_evloop *loop, struct ktstr_spsc_cons *c,
		      ktstr_ev_cb cb, void *arg, struct ktstr_ev **out);

/*
 * Asynchronous write of a private copy of buf at offset `off` (-1: the
 * file position, i.e. append for O_APPEND files).  Short writes continue
 * until done.  cb may be NULL; res = bytes written or -errno.
 */
int ktstr_evloop_write(struct ktstr_evloop *loop, int fd, const void *buf, size_t len, int64_t off,
		       ktstr_ev_cb cb, void *arg);

/* Remove a registration: no callback for it runs after this returns.
 * Safe from inside any callback, including its own. */
void ktstr_evloop_cancel(struct ktstr_evloop *loop, struct ktstr_ev *ev);

/* ---- low-level io_uring helpers (uring_futex.c) ---- */

/* 1 if the ring's kernel supports opcode `op` (IORING_REGISTER_PROBE), 0 no, -errno. */
int ktstr_uring_op_supported(struct io_uring *ring, unsigned op);
/* IORING_OP_FUTEX_WAIT (kernel 6.7+) on a shared u32: completes with 0 when
 * woken, -EAGAIN when *word != val at arm time. */
void ktstr_uring_prep_futex_wait(struct io_uring_sqe *sqe, const uint32_t *word, uint32_t val);
#define KTSTR_IORING_OP_FUTEX_WAIT	51u

#endif /* KTSTR_EVLOOP_H */
