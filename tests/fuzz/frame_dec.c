// SPDX-License-Identifier: GPL-2.0-only
/*
 * Streaming decoder fed the input in chunks whose sizes come from the
 * input itself (each chunk an exact-size heap copy, freed right after
 * the feed), with callback stops mixed in, compared with the buffer
 * parser: both must see the same frames up to the first resync; the
 * decoder resyncs exactly when the parser hits an impossible length;
 * without a resync the decoder holds exactly the parser's leftover tail.
 */
#include <string.h>
#include <zlib.h>

#include <ktstr/frame.h>

#include "fuzz.h"

#define MAXF 2048

struct seen {
	size_t	 n;
	uint32_t type[MAXF], len[MAXF], crc[MAXF];
	uint64_t off[MAXF];
	uint8_t	 stop_mask;	/* stop after frame n if bit (n & 7) is set */
};

static int cb(void *ctx, const struct ktstr_frame *f)
{
	struct seen *s = ctx;

	FUZZ_ASSERT(f->crc_ok == ((uint32_t)crc32(0, f->payload, f->length) == f->crc));
	if (s->n < MAXF) {
		s->type[s->n] = f->type;
		s->len[s->n] = f->length;
		s->crc[s->n] = (uint32_t)crc32(0, f->payload, f->length);
		s->off[s->n] = f->offset;
	}
	s->n++;
	return (s->stop_mask >> (s->n & 7)) & 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen a, b;
	struct ktstr_frame_iter it;
	struct ktstr_frame_dec d;
	struct ktstr_frame f;
	const uint8_t *stream;
	uint32_t max, lcg;
	size_t nchunk, common;

	if (size < 4)
		return 0;
	max = 16u + data[0] * 64u;
	nchunk = 1 + data[1] % 64;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.stop_mask = data[2];
	lcg = data[3];
	stream = data + 4;
	size -= 4;

	ktstr_frame_iter_init(&it, stream, size, max);
	while (ktstr_frame_iter_next(&it, &f))
		cb(&a, &f);

	ktstr_frame_dec_init(&d, max);
	for (size_t pos = 0; pos < size;) {
		size_t n = nchunk + (lcg >> 16) % 4;
		uint8_t *chunk;
		int rc;

		lcg = lcg * 1103515245u + 12345u;
		if (n > size - pos)
			n = size - pos;
		chunk = malloc(n);
		memcpy(chunk, stream + pos, n);
		rc = ktstr_frame_dec_feed(&d, chunk, n, cb, &b);
		free(chunk);
		while (rc > 0)
			rc = ktstr_frame_dec_feed(&d, NULL, 0, cb, &b);
		FUZZ_ASSERT(rc == 0);
		FUZZ_ASSERT(d.len < 16 + (size_t)max);
		pos += n;
	}
	FUZZ_ASSERT((d.resyncs > 0) == (it.stop == KTSTR_FRAME_STOP_BAD_LENGTH));
	FUZZ_ASSERT(b.n >= a.n);
	if (d.resyncs == 0)
		FUZZ_ASSERT(b.n == a.n && d.len == size - it.pos);
	common = a.n < MAXF ? a.n : MAXF;
	FUZZ_ASSERT(!memcmp(a.type, b.type, common * sizeof(a.type[0])));
	FUZZ_ASSERT(!memcmp(a.len, b.len, common * sizeof(a.len[0])));
	FUZZ_ASSERT(!memcmp(a.crc, b.crc, common * sizeof(a.crc[0])));
	FUZZ_ASSERT(!memcmp(a.off, b.off, common * sizeof(a.off[0])));
	ktstr_frame_dec_free(&d);
	return 0;
}
