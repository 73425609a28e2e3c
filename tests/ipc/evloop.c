// SPDX-License-Identifier: GPL-2.0-only
/* io_uring event loop: timer order, periodic ticks, deadlines, pidfd on
 * child exit, fd poll, eventfd, futex words and SPSC ring doorbells fed by
 * another process (native IORING_OP_FUTEX_WAIT and the polling fallback),
 * async writes, cancel, stop status and callback errors. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktstr/evloop.h"
#include "../tap.h"

#define MS 1000000ull

struct order {
	int ids[8];
	int n, stop_at;
};

struct tagged {
	struct order *o;
	int id;
};

static int tag_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct tagged *t = arg;

	(void)ev;
	if (res != 1)
		t->o->ids[t->o->n++] = -res;
	else
		t->o->ids[t->o->n++] = t->id;
	if (t->o->n == t->o->stop_at)
		ktstr_evloop_stop(loop, 7);
	return KTSTR_EV_DONE;
}

static void test_timers(struct ktstr_evloop *loop)
{
	struct order o = { .stop_at = 3 };
	struct tagged t[3] = { { &o, 30 }, { &o, 10 }, { &o, 20 } };
	uint64_t now = ktstr_mono_ns();
	int r;

	ktstr_evloop_timer_at(loop, now + 30 * MS, 0, tag_cb, &t[0], NULL);
	ktstr_evloop_timer_at(loop, now + 10 * MS, 0, tag_cb, &t[1], NULL);
	ktstr_evloop_timer(loop, 20 * MS, 0, tag_cb, &t[2], NULL);
	r = ktstr_evloop_run_until(loop, now + 5000 * MS);
	tap_eq_i64(r, 7, "run_until returns the stop status");
	tap_ok(o.n == 3 && o.ids[0] == 10 && o.ids[1] == 20 && o.ids[2] == 30,
	       "one-shot timers fire in deadline order (%d %d %d)", o.ids[0], o.ids[1], o.ids[2]);
	tap_eq_u64(ktstr_evloop_count(loop), 0, "one-shot timers removed after firing");
}

static int tick_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	int *ticks = arg;

	(void)ev;
	*ticks += res;
	if (*ticks >= 5) {
		ktstr_evloop_stop(loop, 0);
		return KTSTR_EV_DONE;
	}
	return KTSTR_EV_REARM;
}

static int never_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	int *called = arg;

	(void)loop, (void)ev, (void)res;
	(*called)++;
	return KTSTR_EV_DONE;
}

static void test_periodic_deadline(struct ktstr_evloop *loop)
{
	struct ktstr_ev *ev;
	uint64_t t0;
	int ticks = 0, called = 0, r;

	ktstr_evloop_timer(loop, 2 * MS, 2 * MS, tick_cb, &ticks, NULL);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5000 * MS);
	tap_ok(r == 0 && ticks == 5, "periodic timer ticks until removed (ticks %d)", ticks);

	ktstr_evloop_timer(loop, 10000 * MS, 0, never_cb, &called, &ev);
	t0 = ktstr_mono_ns();
	r = ktstr_evloop_run_until(loop, t0 + 50 * MS);
	tap_eq_i64(r, -ETIME, "deadline reached: -ETIME");
	tap_ok(ktstr_mono_ns() >= t0 + 50 * MS, "... not before the deadline");
	ktstr_evloop_cancel(loop, ev);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 20 * MS);
	tap_ok(r == -ETIME && called == 0, "cancelled timer never calls back");
	tap_eq_u64(ktstr_evloop_count(loop), 0, "cancelled registration removed");
	tap_eq_i64(ktstr_evloop_run_until(loop, 0), -ENOENT, "nothing registered, no deadline: -ENOENT");
}

static int pid_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	int *got = arg;

	(void)ev;
	*got = res == 0 ? 1 : res;
	ktstr_evloop_stop(loop, 0);
	return KTSTR_EV_DONE;
}

static void test_pidfd(struct ktstr_evloop *loop)
{
	pid_t pid = fork();
	int pidfd, got = 0, r, st;

	if (pid == 0) {
		usleep(20000);
		_exit(3);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	tap_ok(pidfd >= 0, "pidfd_open");
	ktstr_evloop_pidfd(loop, pidfd, pid_cb, &got, NULL);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5000 * MS);
	tap_ok(r == 0 && got == 1, "pidfd fires when the child exits (r %d got %d)", r, got);
	waitpid(pid, &st, 0);
	close(pidfd);
}

struct io_ctx {
	int rfd, wfd, efd, reads;
	uint64_t efd_sum;
};

static int write_tick(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct io_ctx *c = arg;
	uint64_t one = 3;

	(void)loop, (void)ev, (void)res;
	if (write(c->wfd, "x", 1) != 1 || write(c->efd, &one, 8) != 8)
		return -EIO;
	return KTSTR_EV_DONE;
}

static int read_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct io_ctx *c = arg;
	char b[16];

	(void)ev;
	if (res > 0 && (res & POLLIN) && read(c->rfd, b, sizeof(b)) > 0)
		c->reads++;
	if (c->reads == 2 && c->efd_sum == 6)
		ktstr_evloop_stop(loop, 0);
	return KTSTR_EV_REARM;
}

static int efd_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct io_ctx *c = arg;

	(void)ev;
	if (res > 0)
		c->efd_sum += (uint64_t)res;
	if (c->reads == 2 && c->efd_sum == 6)
		ktstr_evloop_stop(loop, 0);
	return KTSTR_EV_REARM;
}

static void test_poll_eventfd(struct ktstr_evloop *loop)
{
	struct io_ctx c = { 0 };
	struct ktstr_ev *pe, *ee;
	int p[2], r;

	if (pipe(p))
		abort();
	c.rfd = p[0];
	c.wfd = p[1];
	c.efd = eventfd(0, EFD_CLOEXEC);
	ktstr_evloop_poll(loop, c.rfd, POLLIN, read_cb, &c, &pe);
	ktstr_evloop_eventfd(loop, c.efd, efd_cb, &c, &ee);
	ktstr_evloop_timer(loop, 5 * MS, 0, write_tick, &c, NULL);
	ktstr_evloop_timer(loop, 15 * MS, 0, write_tick, &c, NULL);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5000 * MS);
	tap_ok(r == 0 && c.reads == 2, "poll re-arms and sees both writes (reads %d)", c.reads);
	tap_eq_u64(c.efd_sum, 6, "eventfd callback gets counter values");
	ktstr_evloop_cancel(loop, pe);
	ktstr_evloop_cancel(loop, ee);
	ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5 * MS);
	tap_eq_u64(ktstr_evloop_count(loop), 0, "poll and eventfd cancelled");
	close(p[0]);
	close(p[1]);
	close(c.efd);
}

/* ---- futex word and ring doorbell, producer in another process ---- */

struct shared_area {
	uint32_t word;
	uint32_t pad[15];
	uint8_t ring[] __attribute__((aligned(64)));
};

static int futex_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct shared_area *sa = arg;
	uint32_t v = __atomic_load_n(&sa->word, __ATOMIC_ACQUIRE);

	(void)res;
	if (v >= 3) {
		ktstr_evloop_stop(loop, (int)v);
		return KTSTR_EV_DONE;
	}
	ktstr_ev_futex_set(ev, v);
	return KTSTR_EV_REARM;
}

struct ring_ctx {
	struct ktstr_spsc_cons cons;
	uint32_t next, bad, total;
};

static int ring_msg(const struct ktstr_spsc_msg *m, void *arg)
{
	struct ring_ctx *rc = arg;
	uint32_t v;

	memcpy(&v, m->data, 4);
	if (m->len != 4 || v != rc->next)
		rc->bad++;
	rc->next++;
	return 0;
}

static int ring_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	struct ring_ctx *rc = arg;

	(void)ev;
	if (res < 0)
		return res;
	if (ktstr_spsc_consume(&rc->cons, ring_msg, rc, 0) < 0)
		return -EBADMSG;
	if (rc->next == rc->total) {
		ktstr_evloop_stop(loop, 0);
		return KTSTR_EV_DONE;
	}
	return KTSTR_EV_REARM;
}

static void child_producer(struct shared_area *sa, size_t ring_size, uint32_t total)
{
	struct ktstr_spsc_prod p;
	uint32_t i;

	for (i = 1; i <= 3; i++) {
		usleep(3000);
		__atomic_store_n(&sa->word, i, __ATOMIC_RELEASE);
		ktstr_futex_wake(&sa->word, 1);
	}
	if (ktstr_spsc_prod_attach(&p, sa->ring, ring_size))
		_exit(2);
	for (i = 0; i < total; i++) {
		if (i % 64 == 0)
			usleep(500);	/* let the consumer go to sleep sometimes */
		while (ktstr_spsc_send(&p, 1, &i, 4) == -EAGAIN)
			if (ktstr_spsc_wait_space(&p, 4, ktstr_mono_ns() + 5000 * MS, -1))
				_exit(3);
	}
	_exit(0);
}

static void test_doorbells(unsigned flags, const char *mode)
{
	struct ktstr_evloop_opts opts = { .flags = flags, .futex_poll_ns = 200000 };
	size_t ring_size = ktstr_spsc_size(4096);
	struct shared_area *sa = mmap(NULL, sizeof(*sa) + ring_size, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct ring_ctx rc = { .total = 5000 };
	struct ktstr_evloop *loop;
	pid_t pid;
	int r, st, native;

	ktstr_spsc_init(sa->ring, ring_size, 4096, 0);
	ktstr_spsc_cons_attach(&rc.cons, sa->ring, ring_size);
	if (ktstr_evloop_create(&loop, &opts))
		abort();
	native = ktstr_evloop_native_futex(loop);
	if (flags & KTSTR_EVLOOP_NO_FUTEX_OP)
		tap_ok(!ktstr_evloop_native_futex(loop), "%s: fallback forced", mode);
	else if (ktstr_evloop_native_futex(loop))
		tap_ok(1, "%s: IORING_OP_FUTEX_WAIT available", mode);
	else
		tap_skip("kernel lacks IORING_OP_FUTEX_WAIT", "%s: native futex", mode);
	pid = fork();
	if (pid == 0)
		child_producer(sa, ring_size, rc.total);
	ktstr_evloop_futex(loop, &sa->word, 0, futex_cb, sa, NULL);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 10000 * MS);
	tap_eq_i64(r, 3, "%s: futex word watched across processes until it reached 3", mode);
	ktstr_evloop_ring(loop, &rc.cons, ring_cb, &rc, NULL);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 20000 * MS);
	tap_ok(r == 0 && rc.next == rc.total && rc.bad == 0,
	       "%s: ring doorbell delivers %u messages in order (r %d, got %u, bad %u)", mode,
	       rc.total, r, rc.next, rc.bad);
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: producer finished cleanly", mode);
	tap_eq_i64(ktstr_evloop_native_futex(loop), native, "%s: futex mode unchanged after use", mode);
	tap_eq_u64(rc.cons.sh->cons_waiting, 0, "%s: waiting flag clear after removal", mode);
	ktstr_evloop_destroy(loop);
	munmap(sa, sizeof(*sa) + ring_size);
}

/* ---- async writes, callback errors ---- */

static int wr_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	int *n = arg;

	(void)ev;
	if (res > 0)
		(*n)++;
	ktstr_evloop_stop(loop, res > 0 ? 0 : res);
	return KTSTR_EV_DONE;
}

static void test_write(struct ktstr_evloop *loop)
{
	char path[] = "/tmp/ktstr-evloop-XXXXXX", buf[64] = "";
	int fd = mkstemp(path), n = 0, r;
	ssize_t got;

	close(fd);
	fd = open(path, O_WRONLY | O_APPEND);
	ktstr_evloop_write(loop, fd, "one,", 4, -1, wr_cb, &n);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5000 * MS);
	ktstr_evloop_write(loop, fd, "two,", 4, -1, wr_cb, &n);
	r |= ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5000 * MS);
	ktstr_evloop_write(loop, fd, "three", 5, -1, wr_cb, &n);
	r |= ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5000 * MS);
	close(fd);
	fd = open(path, O_RDONLY);
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unlink(path);
	tap_ok(r == 0 && n == 3 && got == 13, "three async appends complete");
	tap_eq_str(buf, "one,two,three", "file content in order");
	tap_eq_i64(ktstr_evloop_write(loop, -1, "x", 1, 0, NULL, NULL), -EBADF, "write to a bad fd rejected");
}

static int err_cb(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	(void)loop, (void)ev, (void)res, (void)arg;
	return -EPROTO;
}

static void test_cb_error(struct ktstr_evloop *loop)
{
	int r;

	ktstr_evloop_timer(loop, 1 * MS, 1 * MS, err_cb, NULL, NULL);
	r = ktstr_evloop_run_until(loop, ktstr_mono_ns() + 5000 * MS);
	tap_eq_i64(r, -EPROTO, "a callback error stops the loop with that error");
	tap_eq_u64(ktstr_evloop_count(loop), 0, "... and removes the failing registration");
}

int main(void)
{
	struct ktstr_evloop *loop;
	int r;

	alarm(60);	/* a hang fails the test instead of blocking prove */
	r = ktstr_evloop_create(&loop, NULL);
	if (r)
		tap_skip_all("io_uring unavailable: %s", strerror(-r));
	tap_plan(31);
	tap_diag("native IORING_OP_FUTEX_WAIT: %s", ktstr_evloop_native_futex(loop) ? "yes" : "no");
	test_timers(loop);
	test_periodic_deadline(loop);
	test_pidfd(loop);
	test_poll_eventfd(loop);
	test_write(loop);
	test_cb_error(loop);
	ktstr_evloop_destroy(loop);
	test_doorbells(0, "native");
	test_doorbells(KTSTR_EVLOOP_NO_FUTEX_OP, "fallback");
	return tap_done();
}
