// SPDX-License-Identifier: GPL-2.0-only
/*
 * frame.c — TLV frame encoding, buffer parsing and the streaming decoder.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <ktstr/frame.h>

uint32_t ktstr_crc32_update(uint32_t crc, const void *p, size_t len)
{
	const Bytef *b = p;

	/* zlib takes uInt lengths: feed large buffers in pieces. */
	while (len > 0) {
		uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;

		crc = (uint32_t)crc32(crc, b, n);
		b += n;
		len -= n;
	}
	return crc;
}

uint32_t ktstr_crc32(const void *p, size_t len)
{
	return ktstr_crc32_update(0, p, len);
}

void ktstr_frame_hdr_put(void *hdr, uint32_t type, uint32_t len, uint32_t crc)
{
	uint8_t *h = hdr;

	ktstr_put_le32(h + 0, type);
	ktstr_put_le32(h + 4, len);
	ktstr_put_le32(h + 8, crc);
	ktstr_put_le32(h + 12, 0);
}

void ktstr_frame_hdr_get(const void *p, struct ktstr_frame_hdr *out)
{
	const uint8_t *h = p;

	out->msg_type = ktstr_get_le32(h + 0);
	out->length = ktstr_get_le32(h + 4);
	out->crc32 = ktstr_get_le32(h + 8);
	out->pad = ktstr_get_le32(h + 12);
}

ssize_t ktstr_frame_encode(uint32_t type, const void *payload, uint32_t len,
			   void *buf, size_t buf_size)
{
	uint8_t *b = buf;

	if ((len > 0 && !payload) || len > UINT32_MAX - KTSTR_FRAME_HDR_SIZE || !buf)
		return -EINVAL;
	if (buf_size < (size_t)KTSTR_FRAME_HDR_SIZE + len)
		return -ENOSPC;
	ktstr_frame_hdr_put(b, type, len, ktstr_crc32(payload, len));
	if (len)
		memmove(b + KTSTR_FRAME_HDR_SIZE, payload, len);
	return (ssize_t)KTSTR_FRAME_HDR_SIZE + len;
}

void ktstr_fourcc_str(uint32_t type, char out[5])
{
	for (int i = 0; i < 4; i++) {
		unsigned char c = (type >> (24 - 8 * i)) & 0xff;

		out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[4] = '\0';
}

/* Fill f from a header at h whose payload (length bytes) follows it. */
static void frame_fill(struct ktstr_frame *f, const uint8_t *h, uint64_t offset)
{
	struct ktstr_frame_hdr hdr;

	ktstr_frame_hdr_get(h, &hdr);
	f->type = hdr.msg_type;
	f->length = hdr.length;
	f->crc = hdr.crc32;
	f->pad = hdr.pad;
	f->payload = h + KTSTR_FRAME_HDR_SIZE;
	f->crc_ok = ktstr_crc32(f->payload, f->length) == f->crc;
	f->offset = offset;
}

/* ---- buffer parser ---- */

void ktstr_frame_iter_init(struct ktstr_frame_iter *it, const void *buf, size_t len,
			   uint32_t max_payload)
{
	memset(it, 0, sizeof(*it));
	it->buf = buf;
	it->len = buf ? len : 0;
	it->max_payload = max_payload ? max_payload : KTSTR_FRAME_MAX_PAYLOAD;
}

int ktstr_frame_iter_next(struct ktstr_frame_iter *it, struct ktstr_frame *f)
{
	size_t avail;
	uint32_t length;

	if (it->stop != KTSTR_FRAME_STOP_NONE)
		return 0;
	avail = it->len - it->pos;
	if (avail == 0) {
		it->stop = KTSTR_FRAME_STOP_END;
		return 0;
	}
	if (avail < KTSTR_FRAME_HDR_SIZE) {
		it->stop = KTSTR_FRAME_STOP_PARTIAL;
		return 0;
	}
	length = ktstr_get_le32(it->buf + it->pos + 4);
	if (length > it->max_payload) {
		it->stop = KTSTR_FRAME_STOP_BAD_LENGTH;
		return 0;
	}
	if (avail - KTSTR_FRAME_HDR_SIZE < length) {
		it->stop = KTSTR_FRAME_STOP_PARTIAL;
		return 0;
	}
	frame_fill(f, it->buf + it->pos, it->pos);
	it->pos += KTSTR_FRAME_HDR_SIZE + (size_t)length;
	it->frames++;
	if (!f->crc_ok)
		it->bad_crc++;
	return 1;
}

/* ---- streaming decoder ---- */

void ktstr_frame_dec_init(struct ktstr_frame_dec *d, uint32_t max_payload)
{
	memset(d, 0, sizeof(*d));
	d->max_payload = max_payload ? max_payload : KTSTR_FRAME_MAX_PAYLOAD;
}

void ktstr_frame_dec_free(struct ktstr_frame_dec *d)
{
	free(d->buf);
	d->buf = NULL;
	d->len = d->cap = 0;
}

/* Grow the residue buffer to hold `need` bytes (need is bounded by the caller). */
static int dec_reserve(struct ktstr_frame_dec *d, size_t need)
{
	size_t cap = d->cap ? d->cap : 256;
	uint8_t *nb;

	if (need <= d->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	nb = realloc(d->buf, cap);
	if (!nb)
		return -ENOMEM;
	d->buf = nb;
	d->cap = cap;
	return 0;
}

/* Drop everything held plus `more` bytes of the current chunk. */
static void dec_resync(struct ktstr_frame_dec *d, size_t more)
{
	d->resyncs++;
	d->discarded += d->len + more;
	d->offset += d->len + more;
	d->len = 0;
}

static int dec_deliver(struct ktstr_frame_dec *d, const uint8_t *h, ktstr_frame_cb cb, void *ctx)
{
	struct ktstr_frame f;

	frame_fill(&f, h, d->offset);
	d->frames++;
	if (!f.crc_ok)
		d->bad_crc++;
	d->offset += KTSTR_FRAME_HDR_SIZE + (uint64_t)f.length;
	return cb(ctx, &f);
}

/* Bytes the frame starting in buf[0..have) needs in total, or 0 if oversize. */
static size_t dec_frame_size(const struct ktstr_frame_dec *d, const uint8_t *h, size_t have)
{
	uint32_t length;

	if (have < KTSTR_FRAME_HDR_SIZE)
		return KTSTR_FRAME_HDR_SIZE;
	length = ktstr_get_le32(h + 4);
	if (length > d->max_payload)
		return 0;
	return KTSTR_FRAME_HDR_SIZE + (size_t)length;
}

/* Keep the unprocessed rest of a chunk after a stopped callback. */
static int dec_keep(struct ktstr_frame_dec *d, const uint8_t *p, size_t n)
{
	if (n == 0)
		return 0;
	if (dec_reserve(d, d->len + n) < 0) {
		d->discarded += n;
		d->offset += n;
		return -ENOMEM;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
	return 0;
}

/* Complete (or extend) the frame held in the residue from the chunk. */
static int dec_fill_residue(struct ktstr_frame_dec *d, const uint8_t **pp, size_t *np,
			    ktstr_frame_cb cb, void *ctx, int *stopped)
{
	for (;;) {
		size_t want = dec_frame_size(d, d->buf, d->len);
		size_t take;
		int rc;

		if (want == 0) {	/* oversize: drop all held + rest of chunk */
			dec_resync(d, *np);
			*np = 0;	/* *pp is not looked at again */
			return 0;
		}
		if (d->len >= want) {	/* whole frame held (left by a stopped feed) */
			rc = dec_deliver(d, d->buf, cb, ctx);
			memmove(d->buf, d->buf + want, d->len - want);
			d->len -= want;
			if (rc) {
				*stopped = rc;
				return 0;
			}
			if (d->len == 0)
				return 0;
			continue;
		}
		if (*np == 0)
			return 0;
		take = want - d->len < *np ? want - d->len : *np;
		if (dec_reserve(d, d->len + take) < 0)
			return -ENOMEM;
		memcpy(d->buf + d->len, *pp, take);
		d->len += take;
		*pp += take;
		*np -= take;
	}
}

int ktstr_frame_dec_feed(struct ktstr_frame_dec *d, const void *data, size_t len,
			 ktstr_frame_cb cb, void *ctx)
{
	const uint8_t *p = data;
	size_t n = data ? len : 0;
	int stopped = 0, rc;

	if (d->len > 0) {
		rc = dec_fill_residue(d, &p, &n, cb, ctx, &stopped);
		if (rc < 0) {
			d->discarded += n;
			d->offset += n;
			return rc;
		}
		if (stopped || d->len > 0)
			return stopped ? (dec_keep(d, p, n) < 0 ? -ENOMEM : stopped) : 0;
	}
	/* Residue empty: frames wholly inside the chunk go out without a copy. */
	while (n > 0) {
		size_t want = dec_frame_size(d, p, n);

		if (want == 0) {
			dec_resync(d, n);
			return 0;
		}
		if (n < want)
			return dec_keep(d, p, n);
		rc = dec_deliver(d, p, cb, ctx);
		p += want;
		n -= want;
		if (rc)
			return dec_keep(d, p, n) < 0 ? -ENOMEM : rc;
	}
	return 0;
}
