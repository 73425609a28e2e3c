// SPDX-License-Identifier: GPL-2.0-only
/*
 * gring.c — SPSC byte rings of TLV frames in the guest shared-memory
 * region (layout and rules: wire.h, docs/wire.md).  Linked into the
 * static guest init too: plain libc + zlib only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/gring.h>

#define HDR_MIN_DATA 64u	/* smallest data area we agree to set up */

static inline uint32_t ld32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint64_t ld64_acq(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline uint64_t ld64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void st64_rel(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Capacity from the header if it is usable within our mapping, else 0. */
static uint32_t ring_capacity(const struct ktstr_gring *r)
{
	uint32_t cap = ld32(&r->hdr->capacity);

	if (cap == 0 || cap > KTSTR_RING_MAX_CAPACITY || cap > r->region)
		return 0;
	return cap;
}

static void ring_hdr_init(struct ktstr_ring_hdr *h, uint32_t capacity)
{
	memset(h, 0, sizeof(*h));
	h->version = KTSTR_RING_VERSION;
	h->capacity = capacity;
	__atomic_store_n(&h->magic, KTSTR_RING_MAGIC, __ATOMIC_RELEASE);
}

int ktstr_gring_attach(struct ktstr_gring *r, void *base, size_t size)
{
	memset(r, 0, sizeof(*r));
	if (!base || ((uintptr_t)base & 7) || size < KTSTR_RING_HDR_SIZE + KTSTR_FRAME_HDR_SIZE)
		return -EINVAL;
	r->hdr = base;
	r->data = (uint8_t *)base + KTSTR_RING_HDR_SIZE;
	r->region = size - KTSTR_RING_HDR_SIZE;
	return 0;
}

void ktstr_gring_release(struct ktstr_gring *r)
{
	free(r->bounce);
	r->bounce = NULL;
	r->bounce_cap = 0;
}

static int region_check(void *base, size_t size)
{
	if (!base || ((uintptr_t)base & 7))
		return -EINVAL;
	if (size < (size_t)KTSTR_SHM_H2G_SIZE + KTSTR_RING_HDR_SIZE + HDR_MIN_DATA)
		return -EINVAL;
	if (size - KTSTR_SHM_H2G_SIZE - KTSTR_RING_HDR_SIZE > KTSTR_RING_MAX_CAPACITY)
		return -EINVAL;
	return 0;
}

int ktstr_shm_region_init(void *base, size_t size)
{
	uint8_t *b = base;
	int rc = region_check(base, size);

	if (rc)
		return rc;
	ring_hdr_init((struct ktstr_ring_hdr *)(b + size - KTSTR_SHM_H2G_SIZE),
		      KTSTR_SHM_H2G_SIZE - KTSTR_RING_HDR_SIZE);
	ring_hdr_init((struct ktstr_ring_hdr *)b,
		      (uint32_t)(size - KTSTR_SHM_H2G_SIZE - KTSTR_RING_HDR_SIZE));
	return 0;
}

/* Capacity of a header with the right magic and version, else 0 (read once). */
static uint32_t ring_checked_capacity(const struct ktstr_gring *r)
{
	if (__atomic_load_n(&r->hdr->magic, __ATOMIC_ACQUIRE) != KTSTR_RING_MAGIC ||
	    ld32(&r->hdr->version) != KTSTR_RING_VERSION)
		return 0;
	return ring_capacity(r);
}

static int ring_validate(const struct ktstr_gring *r)
{
	return ring_checked_capacity(r) ? 0 : -EPROTO;
}

int ktstr_shm_region_rings(void *base, size_t size, struct ktstr_gring *g2h,
			   struct ktstr_gring *h2g)
{
	uint8_t *b = base;
	int rc = region_check(base, size);

	if (rc)
		return rc;
	ktstr_gring_attach(g2h, b, size - KTSTR_SHM_H2G_SIZE);
	ktstr_gring_attach(h2g, b + size - KTSTR_SHM_H2G_SIZE, KTSTR_SHM_H2G_SIZE);
	if (ring_validate(g2h) || ring_validate(h2g))
		return -EPROTO;
	return 0;
}

/* Copy n bytes into the ring at stream position pos (wrapping byte-wise). */
static void ring_put(struct ktstr_gring *r, uint32_t cap, uint64_t pos, const void *src, size_t n)
{
	size_t off = pos % cap, first = n < cap - off ? n : cap - off;

	if (n == 0)
		return;
	memcpy(r->data + off, src, first);
	if (n > first)
		memcpy(r->data, (const uint8_t *)src + first, n - first);
}

static void ring_get(const struct ktstr_gring *r, uint32_t cap, uint64_t pos, void *dst, size_t n)
{
	size_t off = pos % cap, first = n < cap - off ? n : cap - off;

	if (n == 0)
		return;
	memcpy(dst, r->data + off, first);
	if (n > first)
		memcpy((uint8_t *)dst + first, r->data, n - first);
}

static void ring_drop(struct ktstr_gring *r)
{
	uint64_t d = ld64(&r->hdr->drops);

	if (d != UINT64_MAX)
		st64_rel(&r->hdr->drops, d + 1);
}

int ktstr_gring_send2(struct ktstr_gring *r, uint32_t type, const void *a, uint32_t alen,
		      const void *b, uint32_t blen)
{
	uint8_t hdr[KTSTR_FRAME_HDR_SIZE];
	uint64_t w, rd, used, total;
	uint32_t cap, crc;

	if ((alen && !a) || (blen && !b))
		return -EINVAL;
	cap = ring_capacity(r);
	if (cap == 0)
		return -EIO;
	w = ld64(&r->hdr->write_ptr);
	rd = ld64_acq(&r->hdr->read_ptr);
	used = w - rd;
	if (used > cap)
		return -EIO;
	total = (uint64_t)KTSTR_FRAME_HDR_SIZE + alen + blen;
	if (total > cap || total - KTSTR_FRAME_HDR_SIZE > UINT32_MAX) {
		ring_drop(r);
		return -EMSGSIZE;
	}
	if (used + total > cap) {
		ring_drop(r);
		return -ENOSPC;
	}
	crc = ktstr_crc32_update(ktstr_crc32(a, alen), b, blen);
	ktstr_frame_hdr_put(hdr, type, alen + blen, crc);
	ring_put(r, cap, w, hdr, sizeof(hdr));
	ring_put(r, cap, w + sizeof(hdr), a, alen);
	ring_put(r, cap, w + sizeof(hdr) + alen, b, blen);
	st64_rel(&r->hdr->write_ptr, w + total);
	return 0;
}

static int bounce_reserve(struct ktstr_gring *r, size_t n)
{
	uint8_t *nb;

	if (n <= r->bounce_cap)
		return 0;
	nb = realloc(r->bounce, n);
	if (!nb)
		return -ENOMEM;
	r->bounce = nb;
	r->bounce_cap = n;
	return 0;
}

int ktstr_gring_drain(struct ktstr_gring *r, ktstr_frame_cb cb, void *ctx)
{
	uint8_t hbuf[KTSTR_FRAME_HDR_SIZE];
	struct ktstr_frame_hdr h;
	struct ktstr_frame f;
	uint64_t w, rd, rd0;
	uint32_t cap;
	int n = 0, err = 0;

	cap = ring_checked_capacity(r);
	if (cap == 0)
		return -EPROTO;
	rd0 = rd = ld64(&r->hdr->read_ptr);
	w = ld64_acq(&r->hdr->write_ptr);
	if (w - rd > cap)
		return -EIO;
	while (w - rd >= KTSTR_FRAME_HDR_SIZE) {
		ring_get(r, cap, rd, hbuf, sizeof(hbuf));
		ktstr_frame_hdr_get(hbuf, &h);
		if (h.length > cap - KTSTR_FRAME_HDR_SIZE) {
			err = -EBADMSG;
			break;
		}
		if (w - rd - KTSTR_FRAME_HDR_SIZE < h.length)
			break;	/* partial: the producer publishes whole frames, so torn */
		if (bounce_reserve(r, h.length ? h.length : 1) < 0) {
			err = -ENOMEM;
			break;
		}
		ring_get(r, cap, rd + KTSTR_FRAME_HDR_SIZE, r->bounce, h.length);
		f.type = h.msg_type;
		f.length = h.length;
		f.crc = h.crc32;
		f.pad = h.pad;
		f.payload = r->bounce;
		f.crc_ok = ktstr_crc32(r->bounce, h.length) == h.crc32;
		f.offset = rd;
		rd += KTSTR_FRAME_HDR_SIZE + (uint64_t)h.length;
		n++;
		r->frames++;
		if (!f.crc_ok)
			r->bad_crc++;
		if (cb && cb(ctx, &f))
			break;
	}
	if (rd != rd0)
		st64_rel(&r->hdr->read_ptr, rd);
	return err ? err : n;
}

uint64_t ktstr_gring_pending(const struct ktstr_gring *r)
{
	uint32_t cap = ring_capacity(r);
	uint64_t w, rd;

	if (cap == 0)
		return 0;
	rd = ld64(&r->hdr->read_ptr);
	w = ld64_acq(&r->hdr->write_ptr);
	return w - rd <= cap ? w - rd : 0;
}

uint64_t ktstr_gring_drops(const struct ktstr_gring *r)
{
	return ld64_acq(&r->hdr->drops);
}

uint8_t ktstr_gring_ctl_load(const struct ktstr_gring *r, enum ktstr_gring_ctl which)
{
	const uint8_t *p = (const uint8_t *)r->hdr + 12 + ((unsigned)which & 3);

	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

void ktstr_gring_ctl_store(struct ktstr_gring *r, enum ktstr_gring_ctl which, uint8_t v)
{
	uint8_t *p = (uint8_t *)r->hdr + 12 + ((unsigned)which & 3);

	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}
