// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest shared-memory rings: layout, producer/consumer rules, hostile
 * headers (never an overread: regions are exact-size heap buffers, run
 * under ASan), and ordering across threads and processes.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <ktstr/gring.h>

#include "../tap.h"

/* payload byte i of frame seq */
static uint8_t pbyte(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 31 + i * 7 + 1);
}

static uint32_t plen(uint32_t seq, uint32_t max)
{
	return (seq * 37) % (max + 1);
}

static int send_seq(struct ktstr_gring *r, uint32_t seq, uint32_t len)
{
	uint8_t buf[4096];

	ktstr_put_le32(buf, seq);
	for (uint32_t i = 4; i < len; i++)
		buf[i] = pbyte(seq, i);
	/* split at an odd point to exercise send2 */
	return ktstr_gring_send2(r, KTSTR_MSG_STDOUT, buf, len / 3, buf + len / 3, len - len / 3);
}

struct check {
	uint32_t next;		/* expected seq */
	uint32_t maxlen;
	uint64_t frames, bad, wrapped;
	uint32_t cap;
};

static int check_cb(void *ctx, const struct ktstr_frame *f)
{
	struct check *c = ctx;
	uint32_t seq, want = plen(c->next, c->maxlen);

	if (want < 4)
		want = 4;
	if (f->length < 4 || !f->crc_ok || f->type != KTSTR_MSG_STDOUT) {
		c->bad++;
		return 0;
	}
	seq = ktstr_get_le32(f->payload);
	if (seq != c->next || f->length != want)
		c->bad++;
	for (uint32_t i = 4; i < f->length; i++)
		if (f->payload[i] != pbyte(seq, i)) {
			c->bad++;
			break;
		}
	if (c->cap && f->offset % c->cap + 16 + f->length > c->cap)
		c->wrapped++;
	c->next = seq + 1;
	c->frames++;
	return 0;
}

static void *ring_alloc(size_t data)
{
	void *p = malloc(KTSTR_RING_HDR_SIZE + data);
	struct ktstr_ring_hdr *h = p;

	memset(p, 0, KTSTR_RING_HDR_SIZE + data);
	h->magic = KTSTR_RING_MAGIC;
	h->version = KTSTR_RING_VERSION;
	h->capacity = (uint32_t)data;
	return p;
}

static void test_region(void)
{
	size_t size = 1u << 20;
	uint8_t *base = aligned_alloc(4096, size);
	struct ktstr_gring g, h;
	struct ktstr_ring_hdr *gh = (void *)base, *hh = (void *)(base + size - KTSTR_SHM_H2G_SIZE);

	memset(base, 0xEE, size);
	tap_eq_i64(ktstr_shm_region_init(base, size), 0, "region init on 1 MiB");
	tap_ok(gh->magic == KTSTR_RING_MAGIC && gh->version == 1 &&
	       gh->capacity == size - KTSTR_SHM_H2G_SIZE - 40 && gh->write_ptr == 0 &&
	       gh->read_ptr == 0 && gh->drops == 0 && !gh->dump_req && !gh->signal[1],
	       "g->h header at base, capacity size - H2G - 40, all else zero");
	tap_ok(hh->magic == KTSTR_RING_MAGIC && hh->capacity == KTSTR_SHM_H2G_SIZE - 40 &&
	       hh->write_ptr == 0, "h->g header at base + size - H2G");
	tap_eq_i64(ktstr_shm_region_rings(base, size, &g, &h), 0, "region rings validate");
	tap_ok(g.region == gh->capacity && h.region == hh->capacity && (void *)h.hdr == hh,
	       "rings bounded by their parts of the region");
	tap_eq_i64(ktstr_shm_region_init(base + 4, size - 8), -EINVAL, "misaligned base refused");
	tap_eq_i64(ktstr_shm_region_init(base, KTSTR_SHM_H2G_SIZE + 40), -EINVAL,
		   "region with no room for the g->h ring refused");
	gh->capacity = (uint32_t)size;
	tap_eq_i64(ktstr_shm_region_rings(base, size, &g, &h), -EPROTO,
		   "capacity larger than its part: header refused");
	free(base);
}

static void test_roundtrip_wrap(void)
{
	const uint32_t cap = 301;	/* odd size: frames wrap at every offset */
	void *mem = ring_alloc(cap);
	struct ktstr_gring r;
	struct check c = { .maxlen = 120, .cap = cap };
	uint32_t seq = 0;
	int fails = 0;

	ktstr_gring_attach(&r, mem, KTSTR_RING_HDR_SIZE + cap);
	for (int round = 0; round < 2000; round++) {
		int sent = 0;

		while (send_seq(&r, seq, plen(seq, c.maxlen) < 4 ? 4 : plen(seq, c.maxlen)) == 0) {
			seq++;
			sent++;
		}
		if (ktstr_gring_drain(&r, check_cb, &c) != sent)
			fails++;
	}
	tap_ok(fails == 0 && c.frames == seq && c.bad == 0 && seq > 4000,
	       "%u frames through a 301-byte ring, order and content intact", seq);
	tap_ok(c.wrapped > 100, "%" PRIu64 " of them wrapped the end and were reassembled", c.wrapped);
	tap_eq_u64(ktstr_gring_drops(&r), 2000, "each round's failed send counted one drop");
	tap_ok(r.hdr->read_ptr == r.hdr->write_ptr && ktstr_gring_pending(&r) == 0,
	       "read_ptr caught up with write_ptr");
	ktstr_gring_release(&r);
	free(mem);
}

static void test_full_and_drops(void)
{
	void *mem = ring_alloc(256);
	struct ktstr_gring r;
	uint8_t big[300] = { 0 };
	int n = 0, rc;

	ktstr_gring_attach(&r, mem, KTSTR_RING_HDR_SIZE + 256);
	while ((rc = ktstr_gring_send(&r, KTSTR_MSG_STDERR, big, 48)) == 0)
		n++;
	tap_ok(rc == -ENOSPC && n == 4 && r.hdr->write_ptr == 256,
	       "a 256-byte ring takes exactly four 64-byte frames, then -ENOSPC");
	ktstr_gring_send(&r, KTSTR_MSG_STDERR, big, 1);
	tap_eq_u64(r.hdr->drops, 2, "every refused frame counted in drops");
	tap_eq_i64(ktstr_gring_send(&r, KTSTR_MSG_STDERR, big, 241), -EMSGSIZE,
		   "frame larger than capacity: -EMSGSIZE");
	r.hdr->drops = UINT64_MAX - 1;
	ktstr_gring_send(&r, KTSTR_MSG_STDERR, big, 1);
	ktstr_gring_send(&r, KTSTR_MSG_STDERR, big, 1);
	tap_eq_u64(r.hdr->drops, UINT64_MAX, "drops saturates");
	tap_eq_i64(ktstr_gring_drain(&r, NULL, NULL), 4, "drain frees the ring");
	tap_eq_i64(ktstr_gring_send(&r, KTSTR_MSG_STDERR, big, 240), 0,
		   "a frame of exactly capacity fits an empty ring");
	ktstr_gring_release(&r);
	free(mem);
}

struct counter {
	int n, bad;
};

static int count_cb(void *ctx, const struct ktstr_frame *f)
{
	struct counter *c = ctx;

	c->n++;
	c->bad += !f->crc_ok;
	return 0;
}

/* A ring of 3 frames (20 bytes of payload each) to corrupt. */
static void corrupt_setup(void **mem, struct ktstr_gring *r, uint32_t cap)
{
	*mem = ring_alloc(cap);
	ktstr_gring_attach(r, *mem, KTSTR_RING_HDR_SIZE + cap);
	for (int i = 0; i < 3; i++)
		ktstr_gring_send(r, KTSTR_MSG_SCHED_LOG, "0123456789abcdefghij", 20);
}

static void test_corrupt(void)
{
	struct ktstr_gring r;
	struct counter c = { 0 };
	void *mem;
	int rc;

	corrupt_setup(&mem, &r, 512);
	r.hdr->magic = 0x52544D53u;
	rc = ktstr_gring_drain(&r, count_cb, &c);
	tap_ok(rc == -EPROTO && c.n == 0 && r.hdr->read_ptr == 0, "bad magic: -EPROTO, read_ptr not moved");
	r.hdr->magic = KTSTR_RING_MAGIC;

	r.hdr->capacity = 0;
	tap_ok(ktstr_gring_drain(&r, count_cb, &c) == -EPROTO && r.hdr->read_ptr == 0,
	       "capacity 0: -EPROTO");
	tap_eq_i64(ktstr_gring_send(&r, KTSTR_MSG_EXIT, "abcd", 4), -EIO, "producer refuses capacity 0");
	r.hdr->capacity = 513;
	tap_ok(ktstr_gring_drain(&r, count_cb, &c) == -EPROTO && r.hdr->read_ptr == 0,
	       "capacity one past the region: -EPROTO (no overread)");
	tap_eq_i64(ktstr_gring_send(&r, KTSTR_MSG_EXIT, "abcd", 4), -EIO,
		   "producer refuses capacity > region");
	r.hdr->capacity = 0x80000000u;
	tap_eq_i64(ktstr_gring_drain(&r, count_cb, &c), -EPROTO, "capacity > 1 GiB: -EPROTO");
	r.hdr->capacity = 512;

	r.hdr->write_ptr = 108 + 513;	/* 513 unread bytes in a 512-byte ring */
	rc = ktstr_gring_drain(&r, count_cb, &c);
	tap_ok(rc == -EIO && r.hdr->read_ptr == 0 && c.n == 0,
	       "write - read > capacity: -EIO, read_ptr not moved");
	tap_eq_i64(ktstr_gring_send(&r, KTSTR_MSG_EXIT, "abcd", 4), -EIO, "producer: used > capacity is corrupt");
	r.hdr->read_ptr = 200;
	r.hdr->write_ptr = 108;		/* write behind read: wraps to huge */
	tap_ok(ktstr_gring_drain(&r, count_cb, &c) == -EIO && r.hdr->read_ptr == 200,
	       "write_ptr behind read_ptr: -EIO, read_ptr not moved");
	r.hdr->read_ptr = 0;
	r.hdr->write_ptr = 108;

	r.hdr->version = 2;
	tap_eq_i64(ktstr_gring_drain(&r, count_cb, &c), -EPROTO, "unknown version: -EPROTO");
	r.hdr->version = 1;

	/* hostile length in the second frame's header */
	ktstr_put_le32(r.data + 36 + 4, 512 - 15);
	rc = ktstr_gring_drain(&r, count_cb, &c);
	tap_ok(rc == -EBADMSG && c.n == 1 && r.hdr->read_ptr == 36,
	       "length > capacity - 16: -EBADMSG after the good frame, read_ptr stops at it");
	ktstr_put_le32(r.data + 36 + 4, 512 - 16);
	rc = ktstr_gring_drain(&r, count_cb, &c);
	tap_ok(rc == 0 && r.hdr->read_ptr == 36, "length capacity - 16 beyond write_ptr: partial, waits");
	ktstr_put_le32(r.data + 36 + 4, 20);

	/* bad CRC in the middle frame: yielded, the walk continues */
	r.data[36 + 16 + 5] ^= 1;
	c.n = c.bad = 0;
	rc = ktstr_gring_drain(&r, count_cb, &c);
	tap_ok(rc == 2 && c.n == 2 && c.bad == 1 && r.hdr->read_ptr == 108,
	       "bad CRC: frame delivered with crc_ok false, drain continues");
	ktstr_gring_release(&r);
	free(mem);

	/* partial: producer has published part of the third frame only */
	corrupt_setup(&mem, &r, 512);
	r.hdr->write_ptr = 108 - 3;
	c.n = 0;
	rc = ktstr_gring_drain(&r, count_cb, &c);
	tap_ok(rc == 2 && r.hdr->read_ptr == 72, "partial last frame: stop before it");
	r.hdr->write_ptr = 72 + 10;
	rc = ktstr_gring_drain(&r, count_cb, &c);
	tap_ok(rc == 0 && r.hdr->read_ptr == 72, "partial header: nothing consumed");
	ktstr_gring_release(&r);
	free(mem);
}

static void test_ctl(void)
{
	void *mem = ring_alloc(64);
	struct ktstr_gring r;
	uint8_t *b = mem;

	ktstr_gring_attach(&r, mem, KTSTR_RING_HDR_SIZE + 64);
	ktstr_gring_ctl_store(&r, KTSTR_CTL_DUMP_REQ, KTSTR_DUMP_REQ_BYTE);
	ktstr_gring_ctl_store(&r, KTSTR_CTL_STALL_REQ, KTSTR_STALL_REQ_BYTE);
	ktstr_gring_ctl_store(&r, KTSTR_CTL_SIG0, KTSTR_SIG_SHUTDOWN);
	ktstr_gring_ctl_store(&r, KTSTR_CTL_SIG1, KTSTR_SIG_SCHED_LOADED);
	tap_ok(b[12] == 'D' && b[13] == 'S' && b[14] == 0xDD && b[15] == 1,
	       "control bytes land at offsets 12..15");
	tap_ok(ktstr_gring_ctl_load(&r, KTSTR_CTL_SIG0) == 0xDD &&
	       ktstr_gring_ctl_load(&r, KTSTR_CTL_SIG1) == 1, "control bytes read back");
	free(mem);
}

/* ---- concurrency: SPSC across threads and processes ---- */
#define NSEQ 200000u

static uint64_t produce(struct ktstr_gring *r)
{
	uint64_t refused = 0;

	for (uint32_t seq = 0; seq < NSEQ;) {
		uint32_t len = plen(seq, 200);

		if (send_seq(r, seq, len < 4 ? 4 : len) == 0)
			seq++;
		else {
			refused++;
			sched_yield();
		}
	}
	return refused;
}

static void *producer_thread(void *arg)
{
	static uint64_t refused;

	refused = produce(arg);
	return &refused;
}

static void consume(struct ktstr_gring *r, struct check *c)
{
	while (c->frames < NSEQ) {
		int n = ktstr_gring_drain(r, check_cb, c);

		if (n < 0) {
			c->bad++;
			break;
		}
		if (n == 0)
			sched_yield();
	}
}

static void test_threads(void)
{
	void *mem = ring_alloc(4093);
	struct ktstr_gring r;
	struct check c = { .maxlen = 200, .cap = 4093 };
	pthread_t t;
	void *res;

	ktstr_gring_attach(&r, mem, KTSTR_RING_HDR_SIZE + 4093);
	pthread_create(&t, NULL, producer_thread, &r);
	consume(&r, &c);
	pthread_join(t, &res);
	tap_ok(c.frames == NSEQ && c.bad == 0 && c.next == NSEQ,
	       "two threads: %u frames in order, content intact", NSEQ);
	tap_eq_u64(ktstr_gring_drops(&r), *(uint64_t *)res, "drops equals the producer's refused sends");
	ktstr_gring_release(&r);
	free(mem);
}

static void test_processes(void)
{
	size_t size = 1u << 20;
	uint8_t *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct ktstr_gring g, h;
	struct check c = { .maxlen = 200 };
	int status = 0;
	pid_t pid;

	ktstr_shm_region_init(base, size);
	ktstr_shm_region_rings(base, size, &g, &h);
	/* Shrink the g->h ring so it fills up: the child must wait for us. */
	g.hdr->capacity = 8191;
	c.cap = 8191;
	pid = fork();
	if (pid == 0) {
		struct ktstr_gring cg, ch;

		ktstr_shm_region_rings(base, size, &cg, &ch);
		produce(&cg);
		/* guest -> host signal, then wait for the host's shutdown */
		ktstr_gring_ctl_store(&cg, KTSTR_CTL_SIG1, KTSTR_SIG_SCHED_LOADED);
		while (ktstr_gring_ctl_load(&cg, KTSTR_CTL_SIG0) != KTSTR_SIG_SHUTDOWN)
			sched_yield();
		_exit(ktstr_gring_send(&ch, KTSTR_MSG_EXIT, "\0\0\0\0", 4) == 0 ? 0 : 1);
	}
	consume(&g, &c);
	while (ktstr_gring_ctl_load(&g, KTSTR_CTL_SIG1) != KTSTR_SIG_SCHED_LOADED)
		sched_yield();
	ktstr_gring_ctl_store(&g, KTSTR_CTL_SIG0, KTSTR_SIG_SHUTDOWN);
	waitpid(pid, &status, 0);
	tap_ok(c.frames == NSEQ && c.bad == 0, "fork + MAP_SHARED: %u frames in order, content intact", NSEQ);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && ktstr_gring_drain(&h, NULL, NULL) == 1,
	       "signal slots hand-shake; child's h->g frame arrives");
	ktstr_gring_release(&g);
	ktstr_gring_release(&h);
	munmap(base, size);
}

int main(void)
{
	test_region();
	test_roundtrip_wrap();
	test_full_and_drops();
	test_corrupt();
	test_ctl();
	test_threads();
	test_processes();
	return tap_done();
}
