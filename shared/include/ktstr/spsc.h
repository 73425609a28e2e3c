/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spsc.h — single-producer / single-consumer message ring in shared memory.
 *
 * The ring is the only channel between ktstr's host processes (vmm, coord,
 * symsvc, monitor).  It lives in a shared mapping (the control segment, see
 * ctl.h); exactly one process produces and one consumes per ring, so a
 * crashed peer can never leave a lock held.  Layout and protocol are in
 * docs/ipc.md; in short:
 *
 *   [struct ktstr_spsc_shared: 4 cache lines][data: capacity bytes]
 *
 *   - capacity is a power of two; head and tail are free-running u64 byte
 *     counters (empty: head == tail, full: tail - head == capacity);
 *   - a message is a record {u32 len, u32 type} + len payload bytes, padded
 *     to 8 bytes; a record never wraps: when it does not fit before the end
 *     the producer writes a PAD record (type 0) over the rest;
 *   - tail is published with store-release after the payload is written,
 *     head with store-release after the payload is read; each side keeps
 *     its own index privately (never re-reads it from shared memory) and a
 *     cached copy of the other side's index;
 *   - the consumer treats the ring as hostile: tail, every record header and
 *     every length are validated against the capacity and the published
 *     tail before use; a violation returns -EBADMSG and the endpoint stays
 *     broken (it never reads outside the data area).
 *
 * Waking (no syscall on the fast path): a side about to sleep sets its
 * `waiting` flag, issues a full fence, re-checks the ring and then
 * FUTEX_WAITs on a sequence word in the shared header; the other side, after
 * publishing, issues a full fence and only if `waiting` is set bumps the
 * word and FUTEX_WAKEs it (Dekker).  The futex words are process-shared, so
 * unrelated processes need no fd passing; an io_uring loop waits on them
 * with IORING_OP_FUTEX_WAIT (evloop.h).
 *
 * Payload pointers returned by the consumer point into shared memory that
 * the peer can still scribble over: copy fixed-size structs out before
 * validating their fields.
 */
#ifndef KTSTR_SPSC_H
#define KTSTR_SPSC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define KTSTR_SPSC_MAGIC	0x5350534Bu	/* "KSPS" little-endian */
#define KTSTR_SPSC_VERSION	1u
#define KTSTR_SPSC_HDR_SIZE	256u		/* struct ktstr_spsc_shared */
#define KTSTR_SPSC_REC_HDR	8u		/* struct ktstr_spsc_rec */
#define KTSTR_SPSC_ALIGN	8u		/* records start 8-byte aligned */
#define KTSTR_SPSC_MIN_CAP	256u
#define KTSTR_SPSC_MAX_CAP	(1u << 30)
#define KTSTR_SPSC_TYPE_PAD	0u		/* reserved: wrap padding */

/* Size in bytes of one record carrying `len` payload bytes. */
#define KTSTR_SPSC_REC_SIZE(len) \
	(((uint64_t)(len) + KTSTR_SPSC_REC_HDR + KTSTR_SPSC_ALIGN - 1) & ~(uint64_t)(KTSTR_SPSC_ALIGN - 1))

struct ktstr_spsc_rec {
	uint32_t len;		/* payload bytes (not counting this header/padding) */
	uint32_t type;		/* caller's message type, != 0; 0 = PAD */
};

/* The shared header.  Each line has one writer. */
struct ktstr_spsc_shared {
	/* line 0: written once by ktstr_spsc_init() */
	uint32_t magic;
	uint32_t version;
	uint32_t capacity;	/* data bytes, power of two */
	uint32_t max_msg;	/* largest payload accepted (<= capacity/2 - 8) */
	uint64_t hdr_size;	/* KTSTR_SPSC_HDR_SIZE: data starts here */
	uint8_t  pad0[64 - 24];
	/* line 1: producer */
	uint64_t tail;		/* bytes ever published */
	uint64_t drops;		/* messages the producer chose to drop (full) */
	uint8_t  pad1[64 - 16];
	/* line 2: consumer */
	uint64_t head;		/* bytes ever consumed */
	uint8_t  pad2[64 - 8];
	/* line 3: sleep/wake words, written only around sleeps */
	uint32_t data_seq;	/* futex: producer bumps to wake the consumer */
	uint32_t cons_waiting;	/* consumer: 1 = about to sleep on data_seq */
	uint32_t space_seq;	/* futex: consumer bumps to wake the producer */
	uint32_t prod_waiting;	/* producer: 1 = about to sleep on space_seq */
	uint8_t  pad3[64 - 16];
};
_Static_assert(sizeof(struct ktstr_spsc_shared) == KTSTR_SPSC_HDR_SIZE, "spsc header is 256 bytes");

/* Process-private producer handle. */
struct ktstr_spsc_prod {
	struct ktstr_spsc_shared *sh;
	uint8_t *data;
	uint32_t cap, mask, max_msg;
	int broken;		/* sticky -EBADMSG after a corrupt head */
	uint64_t tail;		/* private: end of reserved records */
	uint64_t pub_tail;	/* last value stored to sh->tail */
	uint64_t head_cache;	/* last head read from sh->head */
	uint64_t spin_ns;	/* busy-poll this long before sleeping (default 0) */
};

/* Process-private consumer handle. */
struct ktstr_spsc_cons {
	struct ktstr_spsc_shared *sh;
	uint8_t *data;
	uint32_t cap, mask, max_msg;
	int broken;		/* sticky -EBADMSG after a corrupt tail/record */
	uint64_t head;		/* private: end of peeked records */
	uint64_t pub_head;	/* last value stored to sh->head */
	uint64_t tail_cache;	/* last tail read from sh->tail */
	uint64_t spin_ns;
};

/* One received message; data points into the ring (valid until release). */
struct ktstr_spsc_msg {
	uint32_t type;
	uint32_t len;
	const void *data;
};

/* CLOCK_MONOTONIC in ns: the clock of every deadline in ktstr's IPC. */
static inline uint64_t ktstr_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Bytes of shared memory a ring of `capacity` data bytes needs. */
size_t ktstr_spsc_size(uint32_t capacity);

/*
 * Initialise a ring in `mem` (creator only, before anyone attaches).
 * capacity: power of two in [KTSTR_SPSC_MIN_CAP, KTSTR_SPSC_MAX_CAP];
 * max_msg: 0 = largest possible (capacity/2 - 8).  -EINVAL on bad sizes.
 */
int ktstr_spsc_init(void *mem, size_t memsize, uint32_t capacity, uint32_t max_msg);

/*
 * Attach a handle to an initialised ring of `memsize` bytes.  Validates
 * magic, version, capacity and the current indices (-EBADMSG, -EPROTO for
 * a version mismatch).  The handle continues from the published index, so
 * a restarted process picks up where its predecessor stopped.
 */
int ktstr_spsc_prod_attach(struct ktstr_spsc_prod *p, void *mem, size_t memsize);
int ktstr_spsc_cons_attach(struct ktstr_spsc_cons *c, void *mem, size_t memsize);

/* ---- producer ---- */

/*
 * Reserve a record of `len` payload bytes and type `type` (!= 0); *payload
 * points at the bytes to fill.  Nothing is visible to the consumer until
 * ktstr_spsc_publish().  Several reserves may precede one publish (batch).
 * -EAGAIN: not enough free space now; -EMSGSIZE: len > max_msg;
 * -EINVAL: type 0; -EBADMSG: the consumer's head is corrupt.
 */
int ktstr_spsc_reserve(struct ktstr_spsc_prod *p, uint32_t type, uint32_t len, void **payload);

/* Make every reserved record visible; wakes a sleeping consumer. */
void ktstr_spsc_publish(struct ktstr_spsc_prod *p);

/* Drop records reserved since the last publish. */
void ktstr_spsc_abort(struct ktstr_spsc_prod *p);

/* reserve + memcpy + publish. */
int ktstr_spsc_send(struct ktstr_spsc_prod *p, uint32_t type, const void *buf, uint32_t len);

/* Count one message the producer chose to drop (visible in sh->drops). */
void ktstr_spsc_note_drop(struct ktstr_spsc_prod *p);

/*
 * Wait until `len` payload bytes can be reserved.  Spins p->spin_ns (0 by
 * default: see docs/ipc.md), then
 * sleeps on the futex in slices of at most KTSTR_SPSC_WAIT_SLICE_NS,
 * checking `peer_pidfd` (the consumer; -1 = none) between slices.
 * 0: space; -ETIMEDOUT: deadline (CLOCK_MONOTONIC ns) passed;
 * -EPIPE: the peer exited; -EMSGSIZE; -EBADMSG.
 */
#define KTSTR_SPSC_WAIT_SLICE_NS (10u * 1000u * 1000u)
int ktstr_spsc_wait_space(struct ktstr_spsc_prod *p, uint32_t len, uint64_t deadline_ns, int peer_pidfd);

/* ---- consumer ---- */

/*
 * Next message, without freeing its space: 0 and *m filled; -EAGAIN empty;
 * -EBADMSG corrupt ring (sticky).  Several peeks may precede one release.
 */
int ktstr_spsc_peek(struct ktstr_spsc_cons *c, struct ktstr_spsc_msg *m);

/* Free the space of every peeked message; wakes a producer waiting for space. */
void ktstr_spsc_release(struct ktstr_spsc_cons *c);

/*
 * Copy the next message into buf: returns its length, -EAGAIN empty,
 * -EMSGSIZE buf too small (the message stays queued; *type and *len are
 * still filled), -EBADMSG corrupt.
 */
int ktstr_spsc_recv(struct ktstr_spsc_cons *c, uint32_t *type, void *buf, uint32_t bufsize,
		    uint32_t *len);

/*
 * Batch: call fn for up to `max` messages (0 = all available), then release
 * once.  fn returning non-zero stops after that message.  Returns the
 * number consumed, or -EBADMSG (messages before the corruption are consumed).
 */
typedef int (*ktstr_spsc_fn)(const struct ktstr_spsc_msg *m, void *arg);
int ktstr_spsc_consume(struct ktstr_spsc_cons *c, ktstr_spsc_fn fn, void *arg, unsigned max);

/* Discard everything queued (a restarted consumer skipping stale traffic). */
int ktstr_spsc_discard(struct ktstr_spsc_cons *c);

/* Bytes queued (0 when broken). */
uint64_t ktstr_spsc_pending(struct ktstr_spsc_cons *c);

/* Wait for a message: like ktstr_spsc_wait_space; -EPIPE only once empty. */
int ktstr_spsc_wait_data(struct ktstr_spsc_cons *c, uint64_t deadline_ns, int peer_pidfd);

/* ---- doorbells for event loops (evloop.h uses these) ----
 *
 * arm: declare "going to sleep".  Returns 1 when the condition already
 * holds (do not sleep; the flag is cleared), or 0 with *word and *val set: sleep
 * until *word != *val (FUTEX_WAIT on a shared, non-private u32), then call
 * disarm and re-check.  A negative return is -EBADMSG.
 */
int ktstr_spsc_cons_arm(struct ktstr_spsc_cons *c, const uint32_t **word, uint32_t *val);
void ktstr_spsc_cons_disarm(struct ktstr_spsc_cons *c);
int ktstr_spsc_prod_arm(struct ktstr_spsc_prod *p, uint32_t len, const uint32_t **word, uint32_t *val);
void ktstr_spsc_prod_disarm(struct ktstr_spsc_prod *p);

/*
 * Process-shared futex helpers (also used by ctl.c and evloop fallbacks).
 * wait: 0 woken or value differed, -ETIMEDOUT at deadline_ns (absolute
 * CLOCK_MONOTONIC; 0 = none), -EINTR.
 */
int ktstr_futex_wait(const uint32_t *word, uint32_t val, uint64_t deadline_ns);
void ktstr_futex_wake(uint32_t *word, int nr);

/* 1 when the process behind pidfd has exited, 0 alive, -errno on error. */
int ktstr_pidfd_exited(int pidfd);

#endif /* KTSTR_SPSC_H */
