// SPDX-License-Identifier: GPL-2.0-only
/* Single-process semantics of the SPSC ring: empty, full, wrap, batch,
 * abort, recv sizes, doorbell arming, and rejection of corrupt indices and
 * records written by a hostile peer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ktstr/spsc.h"
#include "../tap.h"

#define T_A 0x41414141u

static void *ring_new(uint32_t cap, uint32_t max_msg)
{
	size_t sz = ktstr_spsc_size(cap);
	void *mem = aligned_alloc(64, (sz + 63) & ~(size_t)63);

	memset(mem, 0xee, sz);
	if (ktstr_spsc_init(mem, sz, cap, max_msg))
		abort();
	return mem;
}

static void pair(void *mem, uint32_t cap, struct ktstr_spsc_prod *p, struct ktstr_spsc_cons *c)
{
	if (ktstr_spsc_prod_attach(p, mem, ktstr_spsc_size(cap)) ||
	    ktstr_spsc_cons_attach(c, mem, ktstr_spsc_size(cap)))
		abort();
}

static void test_init_attach(void)
{
	size_t sz = ktstr_spsc_size(1024);
	void *mem = aligned_alloc(64, sz);
	struct ktstr_spsc_shared *sh = mem;
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;

	tap_eq_i64(ktstr_spsc_init(mem, sz, 1000, 0), -EINVAL, "init: capacity not a power of two");
	tap_eq_i64(ktstr_spsc_init(mem, sz, 128, 0), -EINVAL, "init: capacity below minimum");
	tap_eq_i64(ktstr_spsc_init(mem, sz - 1, 1024, 0), -EINVAL, "init: memory too small");
	tap_eq_i64(ktstr_spsc_init(mem, sz, 1024, 600), -EINVAL, "init: max_msg above capacity/2-8");
	tap_eq_i64(ktstr_spsc_init(mem, sz, 1024, 0), 0, "init ok");
	tap_eq_u64(sh->max_msg, 504, "default max_msg = capacity/2 - 8");
	tap_eq_i64(ktstr_spsc_cons_attach(&c, mem, sz - 8), -EBADMSG, "attach: mapping smaller than ring");
	sh->magic ^= 1;
	tap_eq_i64(ktstr_spsc_cons_attach(&c, mem, sz), -EBADMSG, "attach: wrong magic");
	sh->magic ^= 1;
	sh->version = 2;
	tap_eq_i64(ktstr_spsc_prod_attach(&p, mem, sz), -EPROTO, "attach: wrong version");
	sh->version = KTSTR_SPSC_VERSION;
	sh->head = 8;
	sh->tail = 0;
	tap_eq_i64(ktstr_spsc_prod_attach(&p, mem, sz), -EBADMSG, "attach: head ahead of tail");
	sh->head = sh->tail = 0;
	tap_eq_i64(ktstr_spsc_prod_attach(&p, mem, sz), 0, "attach ok");
	free(mem);
}

static void test_send_recv(void)
{
	void *mem = ring_new(1024, 0);
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	char buf[600], out[600];
	uint32_t type = 0, len = 0;
	void *dst;
	int r, n;

	pair(mem, 1024, &p, &c);
	tap_eq_i64(ktstr_spsc_recv(&c, &type, out, sizeof(out), &len), -EAGAIN, "empty ring: -EAGAIN");
	tap_eq_i64(ktstr_spsc_reserve(&p, 0, 8, &dst), -EINVAL, "type 0 is reserved");
	tap_eq_i64(ktstr_spsc_reserve(&p, T_A, 505, &dst), -EMSGSIZE, "message above max_msg");
	memcpy(buf, "hello ring", 11);
	tap_eq_i64(ktstr_spsc_send(&p, T_A, buf, 11), 0, "send");
	r = ktstr_spsc_recv(&c, &type, out, 4, &len);
	tap_eq_i64(r, -EMSGSIZE, "recv into a small buffer: -EMSGSIZE");
	tap_eq_u64(len, 11, "... and reports the length");
	r = ktstr_spsc_recv(&c, &type, out, sizeof(out), &len);
	tap_ok(r == 11 && type == T_A && !memcmp(out, "hello ring", 11), "message stayed and arrives intact");
	tap_eq_i64(ktstr_spsc_send(&p, T_A, NULL, 0), 0, "empty payload allowed");
	r = ktstr_spsc_recv(&c, &type, out, sizeof(out), &len);
	tap_eq_i64(r, 0, "empty payload received");

	/* full: 64-byte messages take 72 bytes each (fresh ring, no padding) */
	free(mem);
	mem = ring_new(1024, 0);
	pair(mem, 1024, &p, &c);
	for (n = 0; ktstr_spsc_send(&p, T_A, buf, 64) == 0; n++)
		;
	tap_eq_i64(n, 1024 / 72, "ring holds capacity / record size messages");
	tap_eq_i64(ktstr_spsc_send(&p, T_A, buf, 64), -EAGAIN, "full ring: -EAGAIN");
	tap_eq_u64(ktstr_spsc_pending(&c), (uint64_t)n * 72, "pending bytes");
	tap_eq_i64(ktstr_spsc_discard(&c), 0, "discard");
	tap_eq_u64(ktstr_spsc_pending(&c), 0, "nothing pending after discard");
	tap_eq_i64(ktstr_spsc_send(&p, T_A, buf, 64), 0, "space again after discard");
	free(mem);
}

/* Deterministic varying sizes through a small ring: exercises PAD records. */
static void test_wrap(void)
{
	void *mem = ring_new(256, 0);
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	unsigned seed = 1, sent = 0, got = 0, bad = 0, i;
	uint8_t buf[120], out[120];
	uint32_t type, len;
	int r;

	pair(mem, 256, &p, &c);
	while (got < 20000) {
		for (i = 0; i < 3 && sent < 20000; i++) {
			uint32_t l;

			seed = seed * 1103515245u + 12345u;
			l = (seed >> 16) % 121;
			memset(buf, (int)(sent & 0xff), l);
			if (l >= 4)
				memcpy(buf, &sent, 4);
			if (ktstr_spsc_send(&p, 1 + (sent % 7), buf, l) == 0)
				sent++;
			else
				break;
		}
		while ((r = ktstr_spsc_recv(&c, &type, out, sizeof(out), &len)) >= 0) {
			if (type != 1 + (got % 7) || (len >= 4 && memcmp(out, &got, 4)) ||
			    (len > 4 && out[len - 1] != (uint8_t)(got & 0xff)))
				bad++;
			got++;
		}
		if (r != -EAGAIN) {
			bad++;
			break;
		}
	}
	tap_ok(got == 20000 && bad == 0, "20000 varying messages through a 256-byte ring, in order (bad %u)", bad);
	tap_ok(c.head > 100 * 256, "indices wrapped many times (head %llu)", (unsigned long long)c.head);
	free(mem);
}

static int count_fn(const struct ktstr_spsc_msg *m, void *arg)
{
	unsigned *n = arg;

	if (m->len == 4 && !memcmp(m->data, n, 4))
		(*n)++;
	return 0;
}

static void test_batch(void)
{
	void *mem = ring_new(4096, 0);
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	struct ktstr_spsc_msg m;
	unsigned i, n = 0;
	void *dst;

	pair(mem, 4096, &p, &c);
	for (i = 0; i < 10; i++) {
		ktstr_spsc_reserve(&p, T_A, 4, &dst);
		memcpy(dst, &i, 4);
	}
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EAGAIN, "reserved but unpublished: invisible");
	ktstr_spsc_publish(&p);
	tap_eq_i64(ktstr_spsc_consume(&c, count_fn, &n, 4), 4, "consume honours max");
	tap_eq_i64(ktstr_spsc_consume(&c, count_fn, &n, 0), 6, "consume takes the rest");
	tap_eq_u64(n, 10, "batch arrives in order");
	ktstr_spsc_reserve(&p, T_A, 4, &dst);
	ktstr_spsc_abort(&p);
	ktstr_spsc_publish(&p);
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EAGAIN, "aborted reservation never appears");
	/* peek without release keeps space occupied for the producer */
	ktstr_spsc_send(&p, T_A, &i, 4);
	ktstr_spsc_peek(&c, &m);
	tap_eq_u64(__atomic_load_n(&c.sh->head, __ATOMIC_RELAXED), c.pub_head, "peek does not publish head");
	ktstr_spsc_release(&c);
	tap_eq_u64(c.sh->head, c.head, "release publishes head");
	free(mem);
}

static void test_doorbell(void)
{
	void *mem = ring_new(1024, 0);
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	const uint32_t *word = NULL;
	uint32_t val = 0, seq0;
	uint64_t t0;
	char buf[64] = { 0 };
	int n;

	pair(mem, 1024, &p, &c);
	tap_eq_i64(ktstr_spsc_cons_arm(&c, &word, &val), 0, "arm on empty ring: sleep");
	tap_ok(word == &c.sh->data_seq && c.sh->cons_waiting == 1, "waiting flag set, word = data_seq");
	seq0 = c.sh->data_seq;
	ktstr_spsc_send(&p, T_A, buf, 8);
	tap_ok(c.sh->data_seq != seq0, "publish with a waiter bumps data_seq");
	ktstr_spsc_cons_disarm(&c);
	seq0 = c.sh->data_seq;
	ktstr_spsc_send(&p, T_A, buf, 8);
	tap_eq_u64(c.sh->data_seq, seq0, "publish without a waiter: no bump (no syscall)");
	tap_eq_i64(ktstr_spsc_cons_arm(&c, &word, &val), 1, "arm on non-empty ring: do not sleep");
	tap_eq_u64(c.sh->cons_waiting, 0, "... and the flag is cleared");
	tap_eq_i64(ktstr_spsc_wait_data(&c, ktstr_mono_ns() + 1000000, -1), 0, "wait_data returns at once with data");

	ktstr_spsc_discard(&c);
	t0 = ktstr_mono_ns();
	tap_eq_i64(ktstr_spsc_wait_data(&c, t0 + 30000000, -1), -ETIMEDOUT, "wait_data on empty ring: -ETIMEDOUT");
	tap_ok(ktstr_mono_ns() >= t0 + 30000000, "... not before the deadline");
	for (n = 0; ktstr_spsc_send(&p, T_A, buf, 64) == 0; n++)
		;
	tap_eq_i64(ktstr_spsc_wait_space(&p, 64, ktstr_mono_ns() + 20000000, -1), -ETIMEDOUT,
		   "wait_space on full ring: -ETIMEDOUT");
	tap_eq_i64(ktstr_spsc_wait_space(&p, 600, ktstr_mono_ns() + 20000000, -1), -EMSGSIZE,
		   "wait_space for an impossible size: -EMSGSIZE");
	free(mem);
}

static void wr_rec(struct ktstr_spsc_cons *c, uint64_t off, uint32_t len, uint32_t type)
{
	struct ktstr_spsc_rec r = { len, type };

	memcpy(c->data + off, &r, sizeof(r));
}

/* A hostile producer: each case writes shared state directly. */
static void test_corrupt(void)
{
	void *mem = ring_new(1024, 256);
	struct ktstr_spsc_shared *sh = mem;
	struct ktstr_spsc_prod p;
	struct ktstr_spsc_cons c;
	struct ktstr_spsc_msg m;
	char buf[64] = { 0 };

	pair(mem, 1024, &p, &c);
	sh->tail = 1024 + 8;
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "tail more than capacity ahead: -EBADMSG");
	sh->tail = 0;
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "broken is sticky");

	pair(mem, 1024, &p, &c);
	sh->tail = 12;
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "unaligned tail: -EBADMSG");

	sh->tail = 0;
	pair(mem, 1024, &p, &c);
	wr_rec(&c, 0, 257, T_A);
	sh->tail = 512;
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "record length above max_msg: -EBADMSG");

	sh->tail = 64;
	pair(mem, 1024, &p, &c);
	wr_rec(&c, 0, 100, T_A);
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "record longer than published bytes: -EBADMSG");

	/* record straddling the end of the data area */
	sh->head = sh->tail = 1024 - 16;
	pair(mem, 1024, &p, &c);
	wr_rec(&c, 1024 - 16, 64, T_A);
	sh->tail = 1024 - 16 + 200;
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "record crossing the end: -EBADMSG");

	pair(mem, 1024, &p, &c);
	wr_rec(&c, 1024 - 16, 0, KTSTR_SPSC_TYPE_PAD);
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "PAD with a wrong length: -EBADMSG");

	pair(mem, 1024, &p, &c);
	wr_rec(&c, 1024 - 16, 8, KTSTR_SPSC_TYPE_PAD);
	wr_rec(&c, 0, 4, T_A);
	tap_eq_i64(ktstr_spsc_peek(&c, &m), 0, "a valid PAD is skipped");
	tap_ok(m.data == c.data + 8 && m.len == 4, "... and the record after it is returned");

	/* tail going backwards after having been seen */
	sh->head = sh->tail = 0;
	pair(mem, 1024, &p, &c);
	ktstr_spsc_send(&p, T_A, buf, 8);
	ktstr_spsc_send(&p, T_A, buf, 8);
	ktstr_spsc_peek(&c, &m);
	ktstr_spsc_peek(&c, &m);
	sh->tail = 16;
	tap_eq_i64(ktstr_spsc_peek(&c, &m), -EBADMSG, "tail moving backwards: -EBADMSG");

	/* hostile consumer: head beyond what was published */
	sh->head = sh->tail = 0;
	pair(mem, 1024, &p, &c);
	while (ktstr_spsc_send(&p, T_A, buf, 64) == 0)
		;
	sh->head = 4096;
	tap_eq_i64(ktstr_spsc_send(&p, T_A, buf, 64), -EBADMSG, "producer: head past tail: -EBADMSG");
	tap_eq_i64(ktstr_spsc_reserve(&p, T_A, 8, (void **)&m.data), -EBADMSG, "producer: broken is sticky");
	free(mem);
}

int main(void)
{
	tap_plan(58);
	test_init_attach();
	test_send_recv();
	test_wrap();
	test_batch();
	test_doorbell();
	test_corrupt();
	return tap_done();
}
