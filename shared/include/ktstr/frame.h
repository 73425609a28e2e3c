/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * frame.h — TLV frames: the unit of every guest <-> host message.
 *
 * A frame is a 16-byte little-endian header {msg_type, length, crc32,
 * pad} (struct ktstr_frame_hdr in wire.h) followed by `length` payload
 * bytes; crc32 is zlib's CRC-32 over the payload only, pad is written 0
 * and ignored on read.  Three ways to read frames:
 *
 *  - ktstr_frame_iter_*: a complete stream in memory (guest.frames, a
 *    copy of a ring).  Bad CRC: yielded with crc_ok = false, walk goes
 *    on.  Length above the caller's cap: stop (KTSTR_FRAME_STOP_BAD_LENGTH).
 *    Truncated tail: stop (KTSTR_FRAME_STOP_PARTIAL, it.pos = its start).
 *    Never reads past the input.
 *  - ktstr_frame_dec_*: a stream arriving in arbitrary chunks; keeps a
 *    partial tail, never allocates by an announced length.
 *  - ktstr_gring_drain (gring.h): frames straight out of a shared ring.
 *
 * Every field comes from the untrusted guest: consumers only act on
 * frames with crc_ok, and validate payload sizes per message type.
 */
#ifndef KTSTR_FRAME_H
#define KTSTR_FRAME_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <ktstr/wire.h>

/* Default per-frame payload cap for streams (spec MAX_BULK_FRAME_PAYLOAD). */
#define KTSTR_FRAME_MAX_PAYLOAD (16u << 20)

/* ---- little-endian helpers (unaligned-safe) ---- */
static inline uint32_t ktstr_get_le32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t ktstr_get_le64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void ktstr_put_le32(void *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void ktstr_put_le64(void *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* zlib CRC-32 of len bytes (0 for len 0); crc32_update continues a CRC. */
uint32_t ktstr_crc32(const void *p, size_t len);
uint32_t ktstr_crc32_update(uint32_t crc, const void *p, size_t len);

/* Write a 16-byte header (pad = 0) at hdr. */
void ktstr_frame_hdr_put(void *hdr, uint32_t type, uint32_t len, uint32_t crc);
/* Read a 16-byte header from p (host byte order in out). */
void ktstr_frame_hdr_get(const void *p, struct ktstr_frame_hdr *out);

/*
 * Encode one frame (header + payload) into buf.  Returns 16 + len, or
 * -EINVAL (payload NULL with len > 0, len > UINT32_MAX - 16), -ENOSPC
 * (buf_size too small; nothing written).
 */
ssize_t ktstr_frame_encode(uint32_t type, const void *payload, uint32_t len,
			   void *buf, size_t buf_size);

/* Printable four-char name of a message type; non-printables become '?'. */
void ktstr_fourcc_str(uint32_t type, char out[5]);

/* One decoded frame.  payload points into the caller's input or the
 * decoder's buffer and is valid only until the next call. */
struct ktstr_frame {
	uint32_t type;
	uint32_t length;
	uint32_t crc;		/* as announced in the header */
	uint32_t pad;		/* as read (non-zero is suspicious, not an error) */
	bool	 crc_ok;
	const uint8_t *payload;
	uint64_t offset;	/* stream offset of the header */
};

/* Called once per frame; return 0 to go on, non-zero to stop. */
typedef int (*ktstr_frame_cb)(void *ctx, const struct ktstr_frame *f);

/* ---- buffer parser ---- */
enum ktstr_frame_stop {
	KTSTR_FRAME_STOP_NONE = 0,	/* still walking */
	KTSTR_FRAME_STOP_END,		/* clean end: every byte consumed */
	KTSTR_FRAME_STOP_PARTIAL,	/* truncated tail at pos (keep it) */
	KTSTR_FRAME_STOP_BAD_LENGTH,	/* header at pos announces > max_payload */
};

struct ktstr_frame_iter {
	const uint8_t *buf;
	size_t	 len;
	size_t	 pos;		/* offset of the next header */
	uint32_t max_payload;
	enum ktstr_frame_stop stop;
	uint64_t frames, bad_crc;
};

/* max_payload 0 means KTSTR_FRAME_MAX_PAYLOAD. */
void ktstr_frame_iter_init(struct ktstr_frame_iter *it, const void *buf, size_t len,
			   uint32_t max_payload);
/* 1: *f holds the next frame.  0: stopped, see it->stop and it->pos. */
int ktstr_frame_iter_next(struct ktstr_frame_iter *it, struct ktstr_frame *f);

/* ---- streaming decoder ----
 *
 * Feed chunks of any size; every complete frame is passed to cb (frames
 * lying wholly inside a chunk are passed without copying).  A header
 * announcing more than max_payload makes the decoder discard everything
 * it holds, including the rest of that chunk, and restart at the next
 * chunk (resyncs += 1, discarded += bytes): right for transports that
 * deliver whole frames per write.  Lengths are checked as soon as a
 * header is complete, so the held residue is at most one partial frame
 * (< 16 + max_payload bytes, within the 2 * max_payload bound of the
 * spec), plus, after a callback stopped a feed, the unprocessed rest of
 * that chunk (delivered by the next feed, which may pass len 0).
 */
struct ktstr_frame_dec {
	uint8_t *buf;		/* residue: a partial frame (or a stopped feed's rest) */
	size_t	 len, cap;
	uint32_t max_payload;
	uint64_t offset;	/* stream offset of buf[0] */
	uint64_t frames, bad_crc, resyncs, discarded;
};

/* max_payload 0 means KTSTR_FRAME_MAX_PAYLOAD.  Allocates nothing yet. */
void ktstr_frame_dec_init(struct ktstr_frame_dec *d, uint32_t max_payload);
void ktstr_frame_dec_free(struct ktstr_frame_dec *d);
/*
 * Returns 0 when all input was processed, the callback's non-zero value
 * when it stopped (rest kept; call feed again, possibly with len 0), or
 * -ENOMEM (the chunk's unprocessed bytes are dropped and counted).
 */
int ktstr_frame_dec_feed(struct ktstr_frame_dec *d, const void *data, size_t len,
			 ktstr_frame_cb cb, void *ctx);
/* Bytes held (a partial frame at end of stream: report or keep them). */
static inline size_t ktstr_frame_dec_residue(const struct ktstr_frame_dec *d)
{
	return d->len;
}

#endif /* KTSTR_FRAME_H */
