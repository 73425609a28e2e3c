// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipc_bench.c — SPSC shared-memory ring vs a plain pipe, same run, same
 * machine.  Producer and consumer are separate processes (fork), pinned to
 * different CPUs when there are two.  Prints one table:
 *
 *   one-way throughput of 64-byte messages, unbatched and batched by 32;
 *   round-trip (ping-pong) latency median and p99, with spin_ns = 50 us
 *   (busy-poll first: the ring itself) and with the default spin_ns = 0
 *   (every wait sleeps on the futex: the doorbell cost).
 *
 * ratio = ring/pipe (throughput: higher is better; latency: lower is).
 * Usage: ipc-bench [messages] (default 5000000).  KTSTR_BENCH_PIN=1 pins the
 * two processes to CPUs 0 and 1 (on a machine shared with other load,
 * pinning onto a busy CPU hurts more than it helps, so it is off).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktstr/spsc.h"

#define MSG 64u
#define BATCH 32u
#define RING_CAP (256u << 10)
#define RTT_N 100000u
#define RTT_WARM 2000u
#define T_MSG 1u

struct area {
	uint32_t go;
	uint32_t pad[15];
	uint8_t ring_a[] __attribute__((aligned(64)));	/* ring_b follows ring_a */
};

static size_t ring_bytes(void)
{
	return (ktstr_spsc_size(RING_CAP) + 63) & ~(size_t)63;
}

static struct area *area_new(void)
{
	size_t sz = sizeof(struct area) + 2 * ring_bytes();
	struct area *a = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	ktstr_spsc_init(a->ring_a, ring_bytes(), RING_CAP, 0);
	ktstr_spsc_init(a->ring_a + ring_bytes(), ring_bytes(), RING_CAP, 0);
	return a;
}

static void area_free(struct area *a)
{
	munmap(a, sizeof(struct area) + 2 * ring_bytes());
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (!getenv("KTSTR_BENCH_PIN") || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void die_if(int cond, const char *what)
{
	if (cond) {
		fprintf(stderr, "ipc-bench: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

static void wait_child(pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "ipc-bench: child failed (status 0x%x)\n", st);
		exit(1);
	}
}

/* ---- one-way throughput ---- */

static void ring_producer(struct area *a, uint64_t n, unsigned batch)
{
	struct ktstr_spsc_prod p;
	uint8_t msg[MSG];
	uint64_t i = 0;
	unsigned k;
	void *dst;

	pin(0);
	memset(msg, 0x5a, sizeof(msg));
	if (ktstr_spsc_prod_attach(&p, a->ring_a, ring_bytes()))
		_exit(2);
	while (!__atomic_load_n(&a->go, __ATOMIC_ACQUIRE))
		;
	while (i < n) {
		for (k = 0; k < batch && i < n; k++) {
			if (ktstr_spsc_reserve(&p, T_MSG, MSG, &dst))
				break;
			memcpy(msg, &i, sizeof(i));
			memcpy(dst, msg, MSG);
			i++;
		}
		ktstr_spsc_publish(&p);
		if (k < batch && i < n &&
		    ktstr_spsc_wait_space(&p, MSG, ktstr_mono_ns() + 10000000000ull, -1))
			_exit(3);
	}
	_exit(0);
}

struct sink {
	uint64_t n, sum;
};

static int sink_fn(const struct ktstr_spsc_msg *m, void *arg)
{
	struct sink *s = arg;
	uint64_t v;

	memcpy(&v, m->data, sizeof(v));
	s->sum += v;
	s->n++;
	return 0;
}

static double ring_oneway(uint64_t n, unsigned batch)
{
	struct area *a = area_new();
	struct ktstr_spsc_cons c;
	struct sink s = { 0 };
	uint64_t t0, t1;
	pid_t pid;

	ktstr_spsc_cons_attach(&c, a->ring_a, ring_bytes());
	pid = fork();
	die_if(pid < 0, "fork");
	if (pid == 0)
		ring_producer(a, n, batch);
	pin(1);
	t0 = ktstr_mono_ns();
	__atomic_store_n(&a->go, 1, __ATOMIC_RELEASE);
	while (s.n < n) {
		if (ktstr_spsc_consume(&c, sink_fn, &s, 0) > 0)
			continue;
		if (ktstr_spsc_wait_data(&c, ktstr_mono_ns() + 10000000000ull, -1)) {
			fprintf(stderr, "ipc-bench: ring consumer timed out at %llu\n", (unsigned long long)s.n);
			exit(1);
		}
	}
	t1 = ktstr_mono_ns();
	wait_child(pid);
	if (s.sum != n * (n - 1) / 2) {
		fprintf(stderr, "ipc-bench: ring checksum mismatch\n");
		exit(1);
	}
	area_free(a);
	return (double)n * 1e9 / (double)(t1 - t0);
}

static double pipe_oneway(uint64_t n, unsigned batch)
{
	static uint8_t buf[MSG * BATCH * 64];
	uint64_t got = 0, t0, t1, i, sum = 0, v;
	size_t have = 0, off;
	int fds[2];
	pid_t pid;
	ssize_t r;

	die_if(pipe(fds), "pipe");
	pid = fork();
	die_if(pid < 0, "fork");
	if (pid == 0) {
		uint8_t out[MSG * BATCH];
		unsigned k;

		close(fds[0]);
		pin(0);
		memset(out, 0x5a, sizeof(out));
		for (i = 0; i < n;) {
			for (k = 0; k < batch && i < n; k++, i++)
				memcpy(out + k * MSG, &i, sizeof(i));
			if (write(fds[1], out, k * MSG) != (ssize_t)(k * MSG))
				_exit(2);
		}
		_exit(0);
	}
	close(fds[1]);
	pin(1);
	t0 = ktstr_mono_ns();
	while (got < n) {
		r = read(fds[0], buf + have, sizeof(buf) - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		for (off = 0; off + MSG <= have; off += MSG, got++) {
			memcpy(&v, buf + off, sizeof(v));
			sum += v;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	t1 = ktstr_mono_ns();
	close(fds[0]);
	wait_child(pid);
	if (got != n || sum != n * (n - 1) / 2) {
		fprintf(stderr, "ipc-bench: pipe checksum mismatch\n");
		exit(1);
	}
	return (double)n * 1e9 / (double)(t1 - t0);
}

/* ---- round trip ---- */

struct lat {
	double med, p99;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct lat lat_of(uint64_t *v, unsigned n)
{
	struct lat l;

	qsort(v, n, sizeof(*v), cmp_u64);
	l.med = (double)v[n / 2];
	l.p99 = (double)v[(size_t)n * 99 / 100];
	return l;
}

static void ring_echo(struct area *a, uint64_t spin_ns)
{
	struct ktstr_spsc_cons c;
	struct ktstr_spsc_prod p;
	uint8_t msg[MSG];
	uint32_t type, len;
	unsigned i;

	pin(0);
	ktstr_spsc_cons_attach(&c, a->ring_a, ring_bytes());
	ktstr_spsc_prod_attach(&p, a->ring_a + ring_bytes(), ring_bytes());
	c.spin_ns = p.spin_ns = spin_ns;
	for (i = 0; i < RTT_N + RTT_WARM; i++) {
		while (ktstr_spsc_recv(&c, &type, msg, sizeof(msg), &len) < 0)
			if (ktstr_spsc_wait_data(&c, ktstr_mono_ns() + 10000000000ull, -1))
				_exit(2);
		if (ktstr_spsc_send(&p, T_MSG, msg, len))
			_exit(3);
	}
	_exit(0);
}

static struct lat ring_rtt(uint64_t spin_ns)
{
	struct area *a = area_new();
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	uint64_t *v = calloc(RTT_N, sizeof(*v)), t0;
	uint8_t msg[MSG] = { 0 };
	uint32_t type, len;
	struct lat l;
	unsigned i;
	pid_t pid;

	pid = fork();
	die_if(pid < 0, "fork");
	if (pid == 0)
		ring_echo(a, spin_ns);
	pin(1);
	ktstr_spsc_prod_attach(&p, a->ring_a, ring_bytes());
	ktstr_spsc_cons_attach(&c, a->ring_a + ring_bytes(), ring_bytes());
	c.spin_ns = p.spin_ns = spin_ns;
	for (i = 0; i < RTT_N + RTT_WARM; i++) {
		t0 = ktstr_mono_ns();
		ktstr_spsc_send(&p, T_MSG, msg, MSG);
		while (ktstr_spsc_recv(&c, &type, msg, sizeof(msg), &len) < 0)
			if (ktstr_spsc_wait_data(&c, ktstr_mono_ns() + 10000000000ull, -1)) {
				fprintf(stderr, "ipc-bench: ring echo timed out\n");
				exit(1);
			}
		if (i >= RTT_WARM)
			v[i - RTT_WARM] = ktstr_mono_ns() - t0;
	}
	wait_child(pid);
	l = lat_of(v, RTT_N);
	free(v);
	area_free(a);
	return l;
}

static int read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, (uint8_t *)buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static struct lat pipe_rtt(void)
{
	uint64_t *v = calloc(RTT_N, sizeof(*v)), t0;
	uint8_t msg[MSG] = { 0 };
	int ab[2], ba[2];
	struct lat l;
	unsigned i;
	pid_t pid;

	die_if(pipe(ab) || pipe(ba), "pipe");
	pid = fork();
	die_if(pid < 0, "fork");
	if (pid == 0) {
		pin(0);
		for (i = 0; i < RTT_N + RTT_WARM; i++)
			if (read_full(ab[0], msg, MSG) || write(ba[1], msg, MSG) != MSG)
				_exit(2);
		_exit(0);
	}
	pin(1);
	for (i = 0; i < RTT_N + RTT_WARM; i++) {
		t0 = ktstr_mono_ns();
		if (write(ab[1], msg, MSG) != MSG || read_full(ba[0], msg, MSG)) {
			fprintf(stderr, "ipc-bench: pipe echo failed\n");
			exit(1);
		}
		if (i >= RTT_WARM)
			v[i - RTT_WARM] = ktstr_mono_ns() - t0;
	}
	wait_child(pid);
	close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
	l = lat_of(v, RTT_N);
	free(v);
	return l;
}

/* ---- table ---- */

#define TPUT_RUNS 5

static double best_of(double (*fn)(uint64_t, unsigned), uint64_t n, unsigned batch)
{
	double b = 0, x;
	int i;

	for (i = 0; i < TPUT_RUNS; i++) {
		x = fn(n, batch);
		if (x > b)
			b = x;
	}
	return b;
}

static void row_tput(const char *name, double ring, double pipe)
{
	printf("%-36s %12.2f M/s %12.2f M/s %9.1fx\n", name, ring / 1e6, pipe / 1e6, ring / pipe);
}

static void row_lat(const char *name, double ring, double pipe)
{
	printf("%-36s %12.0f ns   %12.0f ns   %9.3fx\n", name, ring, pipe, ring / pipe);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 5000000ull;
	struct lat rs, rn, pl;
	double r1, p1, rb, pb;

	if (n < 1000) {
		fprintf(stderr, "usage: ipc-bench [messages >= 1000]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	printf("ipc-bench: %u-byte messages, ring %u KiB, %llu messages one way (best of %d), "
	       "%u round trips, %ld CPUs, %s\n", MSG, RING_CAP >> 10, (unsigned long long)n, TPUT_RUNS,
	       RTT_N, sysconf(_SC_NPROCESSORS_ONLN), getenv("KTSTR_BENCH_PIN") ? "pinned" : "not pinned");
	r1 = best_of(ring_oneway, n, 1);
	p1 = best_of(pipe_oneway, n / 10, 1);
	rb = best_of(ring_oneway, n, BATCH);
	pb = best_of(pipe_oneway, n, BATCH);
	rs = ring_rtt(50000);
	rn = ring_rtt(0);
	pl = pipe_rtt();
	printf("%-36s %16s %16s %10s\n", "measure", "ring", "pipe", "ring/pipe");
	row_tput("one-way, 1 msg per publish/write", r1, p1);
	row_tput("one-way, 32 msgs per publish/write", rb, pb);
	row_lat("round trip median (spin 50us, sleep)", rs.med, pl.med);
	row_lat("round trip p99    (spin 50us, sleep)", rs.p99, pl.p99);
	row_lat("round trip median (default, no spin)", rn.med, pl.med);
	row_lat("round trip p99    (default, no spin)", rn.p99, pl.p99);
	return 0;
}
