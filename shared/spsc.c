// SPDX-License-Identifier: GPL-2.0-only
/*
 * spsc.c — single-producer / single-consumer message ring in shared memory.
 *
 * See spsc.h for the layout and docs/ipc.md for the ordering argument.
 * Rules kept throughout:
 *   - each side's own index is private (p->tail, c->head) and only ever
 *     stored to shared memory, never trusted back from it;
 *   - the other side's index is loaded with acquire, validated, cached;
 *   - record headers are loaded once (one 64-bit load) into a local before
 *     validation, so a peer rewriting them cannot make us read out of bounds;
 *   - the publish store and the waiting-flag load on one side, and the
 *     waiting-flag store and the index load on the other, are seq_cst
 *     (Dekker): either the sleeper sees the new index or the publisher sees
 *     the flag and wakes it.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktstr/spsc.h"

#define LOAD_ACQ(p)	 __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD_SC(p)	 __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE_REL(p, v)	 __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define STORE_SC(p, v)	 __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* Spinning only pays when the peer runs on another idle CPU; on machines
 * where QEMU saturates the cores it steals from the peer.  Opt in. */
#define SPSC_DEFAULT_SPIN_NS 0u

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* ---- futex / pidfd helpers ---- */

int ktstr_futex_wait(const uint32_t *word, uint32_t val, uint64_t deadline_ns)
{
	struct timespec ts, *tsp = NULL;
	long r;

	if (deadline_ns) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
		ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
		tsp = &ts;
	}
	/* WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline; not PRIVATE:
	 * the word is in memory shared between processes. */
	r = syscall(SYS_futex, word, FUTEX_WAIT_BITSET, val, tsp, NULL, FUTEX_BITSET_MATCH_ANY);
	if (r == 0 || errno == EAGAIN)
		return 0;
	return -errno;
}

void ktstr_futex_wake(uint32_t *word, int nr)
{
	syscall(SYS_futex, word, FUTEX_WAKE, nr, NULL, NULL, 0);
}

int ktstr_pidfd_exited(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&pfd, 1, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r > 0 && (pfd.revents & POLLNVAL))
		return -EBADF;
	return r > 0 && (pfd.revents & (POLLIN | POLLHUP)) ? 1 : 0;
}

/* ---- init / attach ---- */

static int cap_valid(uint32_t cap)
{
	return cap >= KTSTR_SPSC_MIN_CAP && cap <= KTSTR_SPSC_MAX_CAP && !(cap & (cap - 1));
}

static uint32_t max_msg_limit(uint32_t cap)
{
	return cap / 2 - KTSTR_SPSC_REC_HDR;
}

size_t ktstr_spsc_size(uint32_t capacity)
{
	return (size_t)KTSTR_SPSC_HDR_SIZE + capacity;
}

int ktstr_spsc_init(void *mem, size_t memsize, uint32_t capacity, uint32_t max_msg)
{
	struct ktstr_spsc_shared *sh = mem;

	if (!mem || ((uintptr_t)mem & 63) || !cap_valid(capacity) ||
	    memsize < ktstr_spsc_size(capacity))
		return -EINVAL;
	if (max_msg == 0)
		max_msg = max_msg_limit(capacity);
	if (max_msg > max_msg_limit(capacity))
		return -EINVAL;
	memset(sh, 0, sizeof(*sh));
	sh->version = KTSTR_SPSC_VERSION;
	sh->capacity = capacity;
	sh->max_msg = max_msg;
	sh->hdr_size = KTSTR_SPSC_HDR_SIZE;
	STORE_REL(&sh->magic, KTSTR_SPSC_MAGIC);
	return 0;
}

static int shared_check(const struct ktstr_spsc_shared *sh, size_t memsize)
{
	uint32_t cap;

	if (!sh || ((uintptr_t)sh & 7) || memsize < sizeof(*sh))
		return -EINVAL;
	if (LOAD_ACQ(&sh->magic) != KTSTR_SPSC_MAGIC)
		return -EBADMSG;
	if (sh->version != KTSTR_SPSC_VERSION)
		return -EPROTO;
	cap = sh->capacity;
	if (!cap_valid(cap) || sh->hdr_size != KTSTR_SPSC_HDR_SIZE ||
	    memsize < ktstr_spsc_size(cap) || sh->max_msg == 0 ||
	    sh->max_msg > max_msg_limit(cap))
		return -EBADMSG;
	return 0;
}

/* head/tail pair a side may legitimately observe */
static int indices_ok(uint64_t head, uint64_t tail, uint32_t cap)
{
	return tail - head <= cap && !(head & (KTSTR_SPSC_ALIGN - 1)) &&
	       !(tail & (KTSTR_SPSC_ALIGN - 1));
}

int ktstr_spsc_prod_attach(struct ktstr_spsc_prod *p, void *mem, size_t memsize)
{
	struct ktstr_spsc_shared *sh = mem;
	uint64_t head, tail;
	int r = shared_check(sh, memsize);

	if (r)
		return r;
	tail = __atomic_load_n(&sh->tail, __ATOMIC_RELAXED);
	head = LOAD_ACQ(&sh->head);
	if (!indices_ok(head, tail, sh->capacity))
		return -EBADMSG;
	memset(p, 0, sizeof(*p));
	p->sh = sh;
	p->data = (uint8_t *)mem + KTSTR_SPSC_HDR_SIZE;
	p->cap = sh->capacity;
	p->mask = p->cap - 1;
	p->max_msg = sh->max_msg;
	p->tail = p->pub_tail = tail;
	p->head_cache = head;
	p->spin_ns = SPSC_DEFAULT_SPIN_NS;
	return 0;
}

int ktstr_spsc_cons_attach(struct ktstr_spsc_cons *c, void *mem, size_t memsize)
{
	struct ktstr_spsc_shared *sh = mem;
	uint64_t head, tail;
	int r = shared_check(sh, memsize);

	if (r)
		return r;
	head = __atomic_load_n(&sh->head, __ATOMIC_RELAXED);
	tail = LOAD_ACQ(&sh->tail);
	if (!indices_ok(head, tail, sh->capacity))
		return -EBADMSG;
	memset(c, 0, sizeof(*c));
	c->sh = sh;
	c->data = (uint8_t *)mem + KTSTR_SPSC_HDR_SIZE;
	c->cap = sh->capacity;
	c->mask = c->cap - 1;
	c->max_msg = sh->max_msg;
	c->head = c->pub_head = head;
	c->tail_cache = tail;
	c->spin_ns = SPSC_DEFAULT_SPIN_NS;
	return 0;
}

/* ---- producer ---- */

static void rec_write(uint8_t *at, uint32_t len, uint32_t type)
{
	struct ktstr_spsc_rec r = { .len = len, .type = type };

	memcpy(at, &r, sizeof(r));
}

/* Bytes a record of `rec` bytes consumes at the current tail (with padding). */
static uint64_t prod_need(const struct ktstr_spsc_prod *p, uint64_t rec)
{
	uint64_t contig = p->cap - (p->tail & p->mask);

	return rec <= contig ? rec : contig + rec;
}

/* Reload the consumer's head; -EBADMSG if it moved somewhere impossible. */
static int prod_refresh(struct ktstr_spsc_prod *p, int sc)
{
	uint64_t h = sc ? LOAD_SC(&p->sh->head) : LOAD_ACQ(&p->sh->head);

	/* monotonic, never past what we published, aligned */
	if (h - p->head_cache > p->pub_tail - p->head_cache || (h & (KTSTR_SPSC_ALIGN - 1))) {
		p->broken = 1;
		return -EBADMSG;
	}
	p->head_cache = h;
	return 0;
}

static int prod_fits(struct ktstr_spsc_prod *p, uint32_t len, int sc)
{
	uint64_t need;
	int r;

	if (p->broken)
		return -EBADMSG;
	if (len > p->max_msg)
		return -EMSGSIZE;
	need = prod_need(p, KTSTR_SPSC_REC_SIZE(len));
	if (p->tail + need - p->head_cache <= p->cap)
		return 1;
	r = prod_refresh(p, sc);
	if (r)
		return r;
	return p->tail + need - p->head_cache <= p->cap;
}

int ktstr_spsc_reserve(struct ktstr_spsc_prod *p, uint32_t type, uint32_t len, void **payload)
{
	uint64_t rec, off, contig;
	int r;

	if (type == KTSTR_SPSC_TYPE_PAD)
		return -EINVAL;
	r = prod_fits(p, len, 0);
	if (r <= 0)
		return r ? r : -EAGAIN;
	rec = KTSTR_SPSC_REC_SIZE(len);
	off = p->tail & p->mask;
	contig = p->cap - off;
	if (rec > contig) {
		rec_write(p->data + off, (uint32_t)(contig - KTSTR_SPSC_REC_HDR), KTSTR_SPSC_TYPE_PAD);
		p->tail += contig;
		off = 0;
	}
	rec_write(p->data + off, len, type);
	*payload = p->data + off + KTSTR_SPSC_REC_HDR;
	p->tail += rec;
	return 0;
}

void ktstr_spsc_publish(struct ktstr_spsc_prod *p)
{
	struct ktstr_spsc_shared *sh = p->sh;

	if (p->tail == p->pub_tail)
		return;
	p->pub_tail = p->tail;
	/* seq_cst RMW: release for the payload, and the full fence of the
	 * Dekker pair with the consumer's cons_waiting store. */
	__atomic_exchange_n(&sh->tail, p->tail, __ATOMIC_SEQ_CST);
	/* the first waker clears the flag: one wake per sleep, not per publish */
	if (LOAD_SC(&sh->cons_waiting) && __atomic_exchange_n(&sh->cons_waiting, 0, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_add(&sh->data_seq, 1, __ATOMIC_SEQ_CST);
		ktstr_futex_wake(&sh->data_seq, 1);
	}
}

void ktstr_spsc_abort(struct ktstr_spsc_prod *p)
{
	p->tail = p->pub_tail;
}

int ktstr_spsc_send(struct ktstr_spsc_prod *p, uint32_t type, const void *buf, uint32_t len)
{
	void *dst;
	int r = ktstr_spsc_reserve(p, type, len, &dst);

	if (r)
		return r;
	if (len)
		memcpy(dst, buf, len);
	ktstr_spsc_publish(p);
	return 0;
}

void ktstr_spsc_note_drop(struct ktstr_spsc_prod *p)
{
	__atomic_fetch_add(&p->sh->drops, 1, __ATOMIC_RELAXED);
}

int ktstr_spsc_prod_arm(struct ktstr_spsc_prod *p, uint32_t len, const uint32_t **word, uint32_t *val)
{
	struct ktstr_spsc_shared *sh = p->sh;
	uint32_t v;
	int r = prod_fits(p, len, 0);

	if (r)
		return r;
	v = LOAD_ACQ(&sh->space_seq);
	STORE_SC(&sh->prod_waiting, 1);
	r = prod_fits(p, len, 1);
	if (r) {
		STORE_REL(&sh->prod_waiting, 0);
		return r;
	}
	*word = &sh->space_seq;
	*val = v;
	return 0;
}

void ktstr_spsc_prod_disarm(struct ktstr_spsc_prod *p)
{
	STORE_REL(&p->sh->prod_waiting, 0);
}

/* ---- consumer ---- */

/* Reload the producer's tail; -EBADMSG if impossible. */
static int cons_refresh(struct ktstr_spsc_cons *c, int sc)
{
	uint64_t t = sc ? LOAD_SC(&c->sh->tail) : LOAD_ACQ(&c->sh->tail);

	/* monotonic and at most a capacity ahead of what we freed */
	if (t - c->tail_cache > c->cap || t - c->pub_head > c->cap ||
	    (t & (KTSTR_SPSC_ALIGN - 1))) {
		c->broken = 1;
		return -EBADMSG;
	}
	c->tail_cache = t;
	return 0;
}

static int cons_bad(struct ktstr_spsc_cons *c)
{
	c->broken = 1;
	return -EBADMSG;
}

int ktstr_spsc_peek(struct ktstr_spsc_cons *c, struct ktstr_spsc_msg *m)
{
	struct ktstr_spsc_rec rec;
	uint64_t off, avail, size, w;
	int r;

	if (c->broken)
		return -EBADMSG;
	for (;;) {
		if (c->head == c->tail_cache) {
			r = cons_refresh(c, 0);
			if (r)
				return r;
			if (c->head == c->tail_cache)
				return -EAGAIN;
		}
		off = c->head & c->mask;
		avail = c->tail_cache - c->head;
		/* one load: the peer cannot change len between check and use */
		w = __atomic_load_n((const uint64_t *)(c->data + off), __ATOMIC_RELAXED);
		memcpy(&rec, &w, sizeof(rec));
		if (rec.type == KTSTR_SPSC_TYPE_PAD) {
			size = c->cap - off;
			if (size > avail || rec.len != size - KTSTR_SPSC_REC_HDR)
				return cons_bad(c);
			c->head += size;
			continue;
		}
		if (rec.len > c->max_msg)
			return cons_bad(c);
		size = KTSTR_SPSC_REC_SIZE(rec.len);
		if (size > c->cap - off || size > avail)
			return cons_bad(c);
		m->type = rec.type;
		m->len = rec.len;
		m->data = c->data + off + KTSTR_SPSC_REC_HDR;
		c->head += size;
		return 0;
	}
}

void ktstr_spsc_release(struct ktstr_spsc_cons *c)
{
	struct ktstr_spsc_shared *sh = c->sh;

	if (c->head == c->pub_head)
		return;
	c->pub_head = c->head;
	__atomic_exchange_n(&sh->head, c->head, __ATOMIC_SEQ_CST);
	if (LOAD_SC(&sh->prod_waiting) && __atomic_exchange_n(&sh->prod_waiting, 0, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_add(&sh->space_seq, 1, __ATOMIC_SEQ_CST);
		ktstr_futex_wake(&sh->space_seq, 1);
	}
}

int ktstr_spsc_recv(struct ktstr_spsc_cons *c, uint32_t *type, void *buf, uint32_t bufsize,
		    uint32_t *len)
{
	struct ktstr_spsc_msg m;
	uint64_t old = c->head;
	int r = ktstr_spsc_peek(c, &m);

	if (r)
		return r;
	if (type)
		*type = m.type;
	if (len)
		*len = m.len;
	if (m.len > bufsize) {
		c->head = old;
		return -EMSGSIZE;
	}
	memcpy(buf, m.data, m.len);
	ktstr_spsc_release(c);
	return (int)m.len;
}

int ktstr_spsc_consume(struct ktstr_spsc_cons *c, ktstr_spsc_fn fn, void *arg, unsigned max)
{
	struct ktstr_spsc_msg m;
	unsigned n = 0;
	int r = 0;

	while (!max || n < max) {
		r = ktstr_spsc_peek(c, &m);
		if (r)
			break;
		n++;
		if (fn(&m, arg))
			break;
	}
	ktstr_spsc_release(c);
	if (r == -EBADMSG)
		return r;
	return n > INT_MAX ? INT_MAX : (int)n;
}

int ktstr_spsc_discard(struct ktstr_spsc_cons *c)
{
	int r;

	if (c->broken)
		return -EBADMSG;
	r = cons_refresh(c, 0);
	if (r)
		return r;
	c->head = c->tail_cache;
	ktstr_spsc_release(c);
	return 0;
}

uint64_t ktstr_spsc_pending(struct ktstr_spsc_cons *c)
{
	if (c->broken || cons_refresh(c, 0))
		return 0;
	return c->tail_cache - c->head;
}

int ktstr_spsc_cons_arm(struct ktstr_spsc_cons *c, const uint32_t **word, uint32_t *val)
{
	struct ktstr_spsc_shared *sh = c->sh;
	uint32_t v;
	int r;

	if (c->broken)
		return -EBADMSG;
	if (c->head != c->tail_cache)
		return 1;
	v = LOAD_ACQ(&sh->data_seq);
	STORE_SC(&sh->cons_waiting, 1);
	r = cons_refresh(c, 1);
	if (r || c->head != c->tail_cache) {
		STORE_REL(&sh->cons_waiting, 0);
		return r ? r : 1;
	}
	*word = &sh->data_seq;
	*val = v;
	return 0;
}

void ktstr_spsc_cons_disarm(struct ktstr_spsc_cons *c)
{
	STORE_REL(&c->sh->cons_waiting, 0);
}

/* ---- blocking waits with deadline and peer liveness ---- */

struct spsc_waiter {
	int (*ready)(void *side, uint32_t len);	/* 1 ready, 0 not, <0 error; no side effects */
	int (*arm)(void *side, uint32_t len, const uint32_t **word, uint32_t *val);
	void (*disarm)(void *side);
	void *side;
	uint32_t len;
	uint64_t spin_ns;
};

static int cons_ready_(void *side, uint32_t len)
{
	struct ktstr_spsc_cons *c = side;
	int r;

	(void)len;
	if (c->broken)
		return -EBADMSG;
	if (c->head != c->tail_cache)
		return 1;
	r = cons_refresh(c, 0);
	return r ? r : c->head != c->tail_cache;
}

static int cons_arm_(void *side, uint32_t len, const uint32_t **word, uint32_t *val)
{
	(void)len;
	return ktstr_spsc_cons_arm(side, word, val);
}

static void cons_disarm_(void *side)
{
	ktstr_spsc_cons_disarm(side);
}

static int prod_ready_(void *side, uint32_t len)
{
	return prod_fits(side, len, 0);
}

static int prod_arm_(void *side, uint32_t len, const uint32_t **word, uint32_t *val)
{
	return ktstr_spsc_prod_arm(side, len, word, val);
}

static void prod_disarm_(void *side)
{
	ktstr_spsc_prod_disarm(side);
}

static int waiter_check(struct spsc_waiter *w)
{
	return w->ready(w->side, w->len);
}

static int waiter_spin(struct spsc_waiter *w, uint64_t deadline_ns)
{
	uint64_t end = ktstr_mono_ns() + w->spin_ns;
	unsigned i;
	int r;

	if (deadline_ns && end > deadline_ns)
		end = deadline_ns;
	for (;;) {
		for (i = 0; i < 64; i++) {
			r = waiter_check(w);
			if (r)
				return r;
			cpu_relax();
		}
		if (ktstr_mono_ns() >= end)
			return 0;
	}
}

static int waiter_run(struct spsc_waiter *w, uint64_t deadline_ns, int peer_pidfd)
{
	const uint32_t *word;
	uint32_t val;
	uint64_t now, until;
	int r;

	r = w->spin_ns ? waiter_spin(w, deadline_ns) : waiter_check(w);
	if (r)
		return r < 0 ? r : 0;
	for (;;) {
		r = w->arm(w->side, w->len, &word, &val);
		if (r)
			return r < 0 ? r : 0;
		now = ktstr_mono_ns();
		until = now + KTSTR_SPSC_WAIT_SLICE_NS;
		if (deadline_ns && until > deadline_ns)
			until = deadline_ns;
		if (now < until)
			ktstr_futex_wait(word, val, until);
		w->disarm(w->side);
		r = waiter_check(w);
		if (r)
			return r < 0 ? r : 0;
		if (peer_pidfd >= 0 && ktstr_pidfd_exited(peer_pidfd) == 1)
			return -EPIPE;
		if (deadline_ns && ktstr_mono_ns() >= deadline_ns)
			return -ETIMEDOUT;
	}
}

int ktstr_spsc_wait_data(struct ktstr_spsc_cons *c, uint64_t deadline_ns, int peer_pidfd)
{
	struct spsc_waiter w = {
		.ready = cons_ready_, .arm = cons_arm_, .disarm = cons_disarm_, .side = c, .spin_ns = c->spin_ns,
	};

	return waiter_run(&w, deadline_ns, peer_pidfd);
}

int ktstr_spsc_wait_space(struct ktstr_spsc_prod *p, uint32_t len, uint64_t deadline_ns, int peer_pidfd)
{
	struct spsc_waiter w = {
		.ready = prod_ready_, .arm = prod_arm_, .disarm = prod_disarm_, .side = p, .len = len, .spin_ns = p->spin_ns,
	};

	return waiter_run(&w, deadline_ns, peer_pidfd);
}
