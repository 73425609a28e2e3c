// SPDX-License-Identifier: GPL-2.0-only
/* SPSC rings between processes that open the control segment by path:
 * ordered delivery with checksums, kill -9 of the producer (consumer gets
 * -EPIPE in bounded time), kill -9 of the consumer (producer's wait on a
 * full ring times out / sees the death), a restarted consumer continuing
 * from the published head, and heartbeat staleness of a stopped process.
 * alarm() turns any hang into a failure. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "ktstr/ctl.h"
#include "ktstr/evloop.h"
#include "../tap.h"

#define MS 1000000ull
#define T_DATA 0x44415441u
#define T_END 0x454E4421u
#define RING_P KTSTR_CTL_RING_VMM_TO_COORD
#define NMSG 200000u

static char seg_path[200];

static void child_open(struct ktstr_ctl *ctl)
{
	char err[256];

	if (ktstr_ctl_open(ctl, seg_path, err, sizeof(err))) {
		fprintf(stderr, "child: %s\n", err);
		_exit(90);
	}
}

static int pidfd_of(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int send_wait(struct ktstr_spsc_prod *p, uint32_t type, const void *buf, uint32_t len)
{
	int r;

	while ((r = ktstr_spsc_send(p, type, buf, len)) == -EAGAIN) {
		r = ktstr_spsc_wait_space(p, len, ktstr_mono_ns() + 10000 * MS, -1);
		if (r)
			return r;
	}
	return r;
}

/* payload: u32 seq, u32 crc of the bytes after it, then filler */
static void child_producer(unsigned n, int forever)
{
	struct ktstr_ctl ctl;
	struct ktstr_spsc_prod p;
	uint8_t buf[256];
	uint32_t seq, crc, len, x = 12345;
	uint64_t total = 0;

	child_open(&ctl);
	if (ktstr_ctl_ring_prod(&ctl, RING_P, &p))
		_exit(91);
	for (seq = 0; forever || seq < n; seq++) {
		x = x * 1664525u + 1013904223u;
		len = 8 + (x >> 24) % 249;	/* 8..256 */
		memset(buf + 8, (int)(x >> 8), len - 8);
		buf[len - 1] = (uint8_t)seq;
		crc = (uint32_t)crc32(0, buf + 8, len - 8);
		memcpy(buf, &seq, 4);
		memcpy(buf + 4, &crc, 4);
		total += crc;
		if (send_wait(&p, T_DATA, buf, len))
			_exit(92);
		if (forever && seq % 16 == 0)
			usleep(100);
	}
	if (send_wait(&p, T_END, &total, 8))
		_exit(93);
	_exit(0);
}

struct rx {
	uint32_t next, bad;
	uint64_t total, end_total;
	int ended;
};

static int rx_fn(const struct ktstr_spsc_msg *m, void *arg)
{
	struct rx *rx = arg;
	uint8_t buf[256];
	uint32_t seq, crc;

	if (m->type == T_END && m->len == 8) {
		memcpy(&rx->end_total, m->data, 8);
		rx->ended = 1;
		return 1;
	}
	if (m->type != T_DATA || m->len < 8 || m->len > sizeof(buf)) {
		rx->bad++;
		return 0;
	}
	memcpy(buf, m->data, m->len);	/* copy first: the peer may scribble */
	memcpy(&seq, buf, 4);
	memcpy(&crc, buf + 4, 4);
	if (seq != rx->next || crc != (uint32_t)crc32(0, buf + 8, m->len - 8))
		rx->bad++;
	rx->total += crc;
	rx->next++;
	return 0;
}

static void test_ordered(struct ktstr_ctl *ctl)
{
	struct ktstr_spsc_cons c;
	struct rx rx = { 0 };
	pid_t pid;
	int pidfd, r = 0, st;

	ktstr_ctl_ring_cons(ctl, RING_P, &c);
	pid = fork();
	if (pid == 0)
		child_producer(NMSG, 0);
	pidfd = pidfd_of(pid);
	while (!rx.ended) {
		r = ktstr_spsc_wait_data(&c, ktstr_mono_ns() + 10000 * MS, pidfd);
		if (r)
			break;
		if ((r = ktstr_spsc_consume(&c, rx_fn, &rx, 0)) < 0)
			break;
		r = 0;
	}
	waitpid(pid, &st, 0);
	close(pidfd);
	tap_ok(r == 0 && rx.ended, "consumer saw the END marker (r %d)", r);
	tap_eq_u64(rx.next, NMSG, "all %u messages arrived", NMSG);
	tap_eq_u64(rx.bad, 0, "in order, every checksum matches");
	tap_ok(rx.total == rx.end_total, "sum of checksums matches the producer's");
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "producer exited cleanly");
}

static void test_kill_producer(struct ktstr_ctl *ctl)
{
	struct ktstr_spsc_cons c;
	struct rx rx = { 0 };
	uint64_t t0, deadline;
	pid_t pid;
	int pidfd, r = 0, st;

	ktstr_ctl_ring_cons(ctl, RING_P, &c);
	ktstr_spsc_discard(&c);
	pid = fork();
	if (pid == 0)
		child_producer(0, 1);
	pidfd = pidfd_of(pid);
	while (rx.next < 2000) {
		r = ktstr_spsc_wait_data(&c, ktstr_mono_ns() + 10000 * MS, pidfd);
		if (r)
			break;
		ktstr_spsc_consume(&c, rx_fn, &rx, 0);
	}
	kill(pid, SIGKILL);
	t0 = ktstr_mono_ns();
	deadline = t0 + 5000 * MS;
	for (;;) {
		r = ktstr_spsc_wait_data(&c, deadline, pidfd);
		if (r)
			break;
		if (ktstr_spsc_consume(&c, rx_fn, &rx, 0) < 0) {
			r = -EBADMSG;
			break;
		}
	}
	tap_eq_i64(r, -EPIPE, "producer killed: wait_data returns -EPIPE (not a timeout, not a hang)");
	tap_ok(ktstr_mono_ns() < deadline, "... before the deadline");
	tap_eq_u64(rx.bad, 0, "everything received before the kill was intact and in order");
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "producer died of SIGKILL");
	close(pidfd);
}

static void test_kill_consumer(struct ktstr_ctl *ctl)
{
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	uint8_t buf[64] = { 0 };
	uint64_t t0;
	pid_t pid;
	int pidfd, r, st, sync[2];
	char ch;

	ktstr_ctl_ring_cons(ctl, RING_P, &c);
	ktstr_spsc_discard(&c);
	if (pipe(sync))
		abort();
	pid = fork();
	if (pid == 0) {
		struct ktstr_ctl cc;
		struct ktstr_spsc_cons cs;

		child_open(&cc);
		ktstr_ctl_ring_cons(&cc, RING_P, &cs);
		if (write(sync[1], "r", 1) != 1)
			_exit(94);
		for (;;)	/* a consumer that hangs forever */
			pause();
	}
	if (read(sync[0], &ch, 1) != 1)
		abort();
	pidfd = pidfd_of(pid);
	ktstr_ctl_ring_prod(ctl, RING_P, &p);
	while (ktstr_spsc_send(&p, T_DATA, buf, sizeof(buf)) == 0)
		;
	t0 = ktstr_mono_ns();
	r = ktstr_spsc_wait_space(&p, sizeof(buf), t0 + 100 * MS, pidfd);
	tap_eq_i64(r, -ETIMEDOUT, "hung consumer, full ring: wait_space times out at the deadline");
	kill(pid, SIGKILL);
	r = ktstr_spsc_wait_space(&p, sizeof(buf), ktstr_mono_ns() + 100 * MS, -1);
	tap_eq_i64(r, -ETIMEDOUT, "killed consumer, no pidfd: wait_space times out");
	t0 = ktstr_mono_ns();
	r = ktstr_spsc_wait_space(&p, sizeof(buf), t0 + 5000 * MS, pidfd);
	tap_eq_i64(r, -EPIPE, "killed consumer, with pidfd: wait_space returns -EPIPE");
	tap_ok(ktstr_mono_ns() < t0 + 5000 * MS, "... before the deadline");
	waitpid(pid, &st, 0);
	close(pidfd);
	close(sync[0]);
	close(sync[1]);
	ktstr_spsc_discard(&c);
}

/* A consumer that dies is replaced; the new one resumes at the published head. */
static void test_restart_consumer(struct ktstr_ctl *ctl)
{
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	uint32_t i, v, first = 0, n = 0, ok = 1;
	pid_t pid;
	int st;

	ktstr_ctl_ring_cons(ctl, RING_P, &c);
	ktstr_spsc_discard(&c);
	ktstr_ctl_ring_prod(ctl, RING_P, &p);
	for (i = 0; i < 100; i++)
		ktstr_spsc_send(&p, T_DATA, &i, 4);
	pid = fork();
	if (pid == 0) {
		struct ktstr_ctl cc;
		struct ktstr_spsc_cons cs;
		uint32_t type, len;

		child_open(&cc);
		ktstr_ctl_ring_cons(&cc, RING_P, &cs);
		for (i = 0; i < 40; i++)
			ktstr_spsc_recv(&cs, &type, &v, 4, &len);
		kill(getpid(), SIGKILL);
	}
	waitpid(pid, &st, 0);
	ktstr_ctl_ring_cons(ctl, RING_P, &c);
	while (ktstr_spsc_recv(&c, NULL, &v, 4, NULL) == 4) {
		if (n == 0)
			first = v;
		else if (v != first + n)
			ok = 0;
		n++;
	}
	tap_ok(first == 40 && n == 60 && ok, "restarted consumer resumes at message 40 (first %u, got %u)",
	       first, n);
}

static int hb_tick(struct ktstr_evloop *loop, struct ktstr_ev *ev, int res, void *arg)
{
	(void)loop, (void)ev, (void)res;
	ktstr_ctl_heartbeat(arg, KTSTR_COMP_MONITOR);
	return KTSTR_EV_REARM;
}

static enum ktstr_peer_health wait_health(struct ktstr_ctl *ctl, enum ktstr_peer_health want,
					  uint64_t stale_ns)
{
	uint64_t end = ktstr_mono_ns() + 5000 * MS;
	enum ktstr_peer_health h;

	do {
		h = ktstr_ctl_peer_health(ctl, KTSTR_COMP_MONITOR, stale_ns, ktstr_mono_ns());
		if (h == want)
			break;
		usleep(5000);
	} while (ktstr_mono_ns() < end);
	return h;
}

static void test_heartbeat(struct ktstr_ctl *ctl)
{
	const uint64_t stale = 100 * MS;
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct ktstr_ctl cc;
		struct ktstr_evloop *loop;

		child_open(&cc);
		ktstr_ctl_register(&cc, KTSTR_COMP_MONITOR);
		ktstr_ctl_set_state(&cc, KTSTR_COMP_MONITOR, KTSTR_STATE_READY);
		if (ktstr_evloop_create(&loop, NULL))
			_exit(95);
		ktstr_evloop_timer(loop, 5 * MS, 5 * MS, hb_tick, &cc, NULL);
		ktstr_evloop_run_until(loop, 0);
		_exit(96);
	}
	tap_eq_i64(wait_health(ctl, KTSTR_PEER_ALIVE, stale), KTSTR_PEER_ALIVE,
		   "heartbeating child: ALIVE");
	kill(pid, SIGSTOP);
	tap_eq_i64(wait_health(ctl, KTSTR_PEER_STALE, stale), KTSTR_PEER_STALE,
		   "stopped child (pid exists, no heartbeat): STALE");
	kill(pid, SIGCONT);
	tap_eq_i64(wait_health(ctl, KTSTR_PEER_ALIVE, stale), KTSTR_PEER_ALIVE,
		   "continued child heartbeats again: ALIVE");
	kill(pid, SIGKILL);
	tap_eq_i64(wait_health(ctl, KTSTR_PEER_DEAD, stale), KTSTR_PEER_DEAD, "killed child: DEAD");
	waitpid(pid, &st, 0);
}

int main(void)
{
	struct ktstr_ctl_info info = { .ram_size = 1 << 20, .nr_vcpus = 1 };
	struct ktstr_ctl ctl;
	char run_id[64], err[256];

	alarm(120);
	snprintf(run_id, sizeof(run_id), "test-xproc-%d", (int)getpid());
	snprintf(info.ram_shm, sizeof(info.ram_shm), "/dev/shm/none");
	info.ring_cap[RING_P] = 64u << 10;
	if (ktstr_ctl_create(&ctl, run_id, &info, err, sizeof(err)))
		tap_skip_all("cannot create a control segment: %s", err);
	snprintf(seg_path, sizeof(seg_path), "%s", ctl.path);
	tap_plan(18);
	test_ordered(&ctl);
	test_kill_producer(&ctl);
	test_kill_consumer(&ctl);
	test_restart_consumer(&ctl);
	test_heartbeat(&ctl);
	ktstr_ctl_unlink(&ctl);
	ktstr_ctl_close(&ctl);
	return tap_done();
}
