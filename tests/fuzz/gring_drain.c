// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest ring consumer (and producer) over an arbitrary ring image: the
 * input is the ring header + data area exactly as the guest left it.
 * The image is an exact-size heap buffer, so ASan flags any access past
 * the mapping whatever capacity/pointers/lengths the header claims.
 * Invariants: a refused header moves nothing; otherwise read_ptr moves by
 * exactly the frames delivered and never past write_ptr.
 */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include <ktstr/gring.h>

#include "fuzz.h"

struct acc {
	uint64_t bytes;
	int	 n;
	const struct ktstr_gring *r;
};

static int cb(void *ctx, const struct ktstr_frame *f)
{
	struct acc *a = ctx;

	FUZZ_ASSERT(f->length <= a->r->bounce_cap || f->length == 0);
	FUZZ_ASSERT(f->crc_ok == ((uint32_t)crc32(0, f->payload, f->length) == f->crc));
	a->bytes += 16 + (uint64_t)f->length;
	a->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktstr_gring r;
	struct acc a = { 0 };
	uint64_t rd0, w0, w1;
	uint8_t *img;
	int rc;

	if (size < KTSTR_RING_HDR_SIZE + KTSTR_FRAME_HDR_SIZE)
		return 0;
	img = malloc(size);	/* glibc malloc: 16-byte aligned */
	memcpy(img, data, size);
	FUZZ_ASSERT(ktstr_gring_attach(&r, img, size) == 0);
	a.r = &r;
	rd0 = r.hdr->read_ptr;
	w0 = r.hdr->write_ptr;
	rc = ktstr_gring_drain(&r, cb, &a);
	if (rc == -EPROTO || rc == -EIO) {
		FUZZ_ASSERT(a.n == 0 && r.hdr->read_ptr == rd0);
	} else {
		FUZZ_ASSERT(rc >= 0 || rc == -EBADMSG);
		FUZZ_ASSERT(rc < 0 || rc == a.n);
		FUZZ_ASSERT(r.hdr->read_ptr - rd0 == a.bytes);
		FUZZ_ASSERT(a.bytes <= w0 - rd0);
	}
	/* producer on the same hostile header */
	rc = ktstr_gring_send(&r, KTSTR_MSG_SCHED_LOG, data, (uint32_t)(size % 97));
	w1 = r.hdr->write_ptr;
	FUZZ_ASSERT(rc == 0 ? w1 == w0 + 16 + size % 97 : w1 == w0);
	ktstr_gring_release(&r);
	free(img);
	return 0;
}
