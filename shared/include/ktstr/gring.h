/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gring.h — the guest shared-memory rings ("STMR", layout in wire.h).
 *
 * One implementation for both sides: the host (ktstr-vmm) consumes the
 * guest -> host ring and produces into the host -> guest ring; the guest
 * (ktstr-init, static) does the reverse.  Each ring is single-producer /
 * single-consumer: a side with several producing threads serialises
 * them with its own mutex.  Frames are whole TLV frames (frame.h) that
 * wrap byte-wise at the end of the data area.
 *
 * Every value read from the shared header is hostile: it is loaded once
 * into a local, checked against the bounds given at attach time (the
 * mapping), and a bad value never makes us read or write outside it.
 * write_ptr / read_ptr are published with release stores and read with
 * acquire loads; the control bytes are single-byte acquire/release.
 */
#ifndef KTSTR_GRING_H
#define KTSTR_GRING_H

#include <stddef.h>
#include <stdint.h>

#include <ktstr/frame.h>
#include <ktstr/wire.h>

struct ktstr_gring {
	struct ktstr_ring_hdr *hdr;	/* in shared memory */
	uint8_t *data;			/* hdr + 1 */
	size_t	 region;		/* data bytes the mapping holds (the bound) */
	/* consumer side: copy-out buffer, grown up to capacity - 16 */
	uint8_t *bounce;
	size_t	 bounce_cap;
	/* consumer statistics (local, not shared) */
	uint64_t frames, bad_crc;
};

/*
 * Host, before boot: write both ring headers of a region of `size`
 * bytes at base (8-byte aligned): the g->h ring at base with capacity
 * size - KTSTR_SHM_H2G_SIZE - 40, the h->g ring at
 * base + size - KTSTR_SHM_H2G_SIZE with capacity KTSTR_SHM_H2G_SIZE - 40.
 * Pointers, drops and control bytes start at 0.  -EINVAL if size is too
 * small (g->h capacity < 64 bytes) or too large (capacity > 1 GiB).
 */
int ktstr_shm_region_init(void *base, size_t size);

/*
 * Attach both rings of a region (either side).  Checks the base
 * alignment, the size, and each header's magic, version and capacity
 * (0 < capacity <= its part of the region); -EINVAL for bad arguments,
 * -EPROTO for a header that does not validate.  The rings keep only the
 * bounds; every operation re-validates the header.
 */
int ktstr_shm_region_rings(void *base, size_t size, struct ktstr_gring *g2h,
			   struct ktstr_gring *h2g);

/* Attach one ring occupying [base, base + size) (header included). */
int ktstr_gring_attach(struct ktstr_gring *r, void *base, size_t size);
/* Free the consumer's bounce buffer (the shared memory is untouched). */
void ktstr_gring_release(struct ktstr_gring *r);

/*
 * Producer.  Appends one frame of type with payload a||b (send2; either
 * part may be empty) so the frame is never split.  Returns 0, or
 * -EIO (header corrupt: bad capacity, write - read > capacity),
 * -ENOSPC (no room: drops += 1, saturating), -EMSGSIZE (frame can never
 * fit this ring; also counted as a drop), -EINVAL (NULL part with length).
 */
int ktstr_gring_send2(struct ktstr_gring *r, uint32_t type, const void *a, uint32_t alen,
		      const void *b, uint32_t blen);
static inline int ktstr_gring_send(struct ktstr_gring *r, uint32_t type,
				   const void *payload, uint32_t len)
{
	return ktstr_gring_send2(r, type, payload, len, NULL, 0);
}

/*
 * Consumer.  Delivers every complete frame to cb (payload copied out of
 * shared memory first, CRC checked: f->crc_ok), then writes read_ptr
 * back with a release store.  A callback returning non-zero stops the
 * drain after that frame (it counts as consumed).  Returns the number
 * of frames delivered, or
 *   -EPROTO  header invalid (magic, capacity 0 / > 1 GiB / > region),
 *   -EIO     write_ptr - read_ptr > capacity (read_ptr not moved),
 *   -EBADMSG a header announces length > capacity - 16 (frames before
 *            it were delivered and consumed; read_ptr stops at it),
 *   -ENOMEM  no bounce buffer for a frame (read_ptr stops at it).
 * A partial frame (producer mid-write) just ends the drain.
 */
int ktstr_gring_drain(struct ktstr_gring *r, ktstr_frame_cb cb, void *ctx);

/* Bytes published and not yet consumed (0 if the header is corrupt). */
uint64_t ktstr_gring_pending(const struct ktstr_gring *r);
/* Producer drops counter (acquire load). */
uint64_t ktstr_gring_drops(const struct ktstr_gring *r);

/* Control bytes of a ring header (offsets 12..15 of struct ktstr_ring_hdr). */
enum ktstr_gring_ctl {
	KTSTR_CTL_DUMP_REQ  = 0,	/* host writes 'D'; guest SysRq-D, writes 0 */
	KTSTR_CTL_STALL_REQ = 1,	/* host writes 'S' (debug) */
	KTSTR_CTL_SIG0	    = 2,	/* host -> guest: KTSTR_SIG_SHUTDOWN */
	KTSTR_CTL_SIG1	    = 3,	/* guest -> host: KTSTR_SIG_SCHED_LOADED */
};
#define KTSTR_DUMP_REQ_BYTE  0x44u	/* 'D' */
#define KTSTR_STALL_REQ_BYTE 0x53u	/* 'S' */

uint8_t ktstr_gring_ctl_load(const struct ktstr_gring *r, enum ktstr_gring_ctl which);
void ktstr_gring_ctl_store(struct ktstr_gring *r, enum ktstr_gring_ctl which, uint8_t v);

#endif /* KTSTR_GRING_H */
