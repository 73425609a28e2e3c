// SPDX-License-Identifier: GPL-2.0-only
/*
 * TLV frames: encoder, buffer parser, streaming decoder.
 * Inputs live in exact-size heap buffers so ASan catches any overread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <ktstr/frame.h>

#include "../tap.h"

/* A test stream: frames of varied types and sizes, incl. empty ones. */
struct stream {
	uint8_t *buf;
	size_t	 len;
	size_t	 nframes;
	size_t	 ends[64];	/* offset after each frame */
};

static void stream_add(struct stream *s, uint32_t type, const void *p, uint32_t len)
{
	ssize_t n;

	s->buf = realloc(s->buf, s->len + KTSTR_FRAME_HDR_SIZE + len);
	n = ktstr_frame_encode(type, p, len, s->buf + s->len, KTSTR_FRAME_HDR_SIZE + len);
	if (n < 0)
		abort();
	s->len += (size_t)n;
	s->ends[s->nframes++] = s->len;
}

static void stream_build(struct stream *s)
{
	static const char text[] = "scheduler log line\n";
	uint8_t big[3000];

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	stream_add(s, KTSTR_MSG_SCENARIO_START, NULL, 0);
	stream_add(s, KTSTR_MSG_SCHED_LOG, text, sizeof(text) - 1);
	stream_add(s, KTSTR_MSG_STDOUT, big, sizeof(big));
	stream_add(s, KTSTR_MSG_SYS_RDY, NULL, 0);
	stream_add(s, KTSTR_MSG_EXIT, "\x00\x00\x00\x00", 4);
	for (int i = 0; i < 10; i++)
		stream_add(s, KTSTR_MSG_STDERR, big + i, (uint32_t)(i * 13));
}

/* Heap copy of exactly n bytes (ASan redzone right after). */
static uint8_t *exact(const void *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	memcpy(b, p, n);
	return b;
}

/* ---- collected frames ---- */
struct got {
	size_t	 n, bad;
	uint32_t types[64];
	uint32_t lens[64];
	uint64_t offs[64];
	uint32_t sums[64];	/* crc of the payload as seen by the callback */
	int	 stop_after;	/* stop after this many frames (0 = never) */
};

static int collect(void *ctx, const struct ktstr_frame *f)
{
	struct got *g = ctx;

	if (g->n < 64) {
		g->types[g->n] = f->type;
		g->lens[g->n] = f->length;
		g->offs[g->n] = f->offset;
		g->sums[g->n] = (uint32_t)crc32(0, f->payload, f->length);
	}
	g->n++;
	if (!f->crc_ok)
		g->bad++;
	return g->stop_after && (int)g->n == g->stop_after;
}

static int got_equal(const struct got *a, const struct got *b)
{
	return a->n == b->n && a->bad == b->bad &&
	       !memcmp(a->types, b->types, sizeof(a->types)) &&
	       !memcmp(a->lens, b->lens, sizeof(a->lens)) &&
	       !memcmp(a->offs, b->offs, sizeof(a->offs)) &&
	       !memcmp(a->sums, b->sums, sizeof(a->sums));
}

static void iter_collect(const uint8_t *buf, size_t len, uint32_t max, struct got *g,
			 struct ktstr_frame_iter *it)
{
	struct ktstr_frame f;

	ktstr_frame_iter_init(it, buf, len, max);
	while (ktstr_frame_iter_next(it, &f))
		collect(g, &f);
}

static void test_encode(void)
{
	static const uint8_t payload[24] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint8_t buf[64];
	struct ktstr_frame_hdr h;
	ssize_t n;
	char name[5];

	memset(buf, 0xAA, sizeof(buf));
	n = ktstr_frame_encode(KTSTR_MSG_EXIT, payload, sizeof(payload), buf, sizeof(buf));
	tap_eq_i64(n, 16 + 24, "encode returns header + payload size");
	tap_ok(!memcmp(buf, "\x54\x49\x58\x45", 4), "EXIT type on the wire is 54 49 58 45 (LE)");
	tap_ok(!memcmp(buf + 4, "\x18\x00\x00\x00", 4), "length 24 little-endian");
	tap_ok(!memcmp(buf + 12, "\0\0\0\0", 4), "pad written as 0 over a dirty buffer");
	ktstr_frame_hdr_get(buf, &h);
	tap_eq_u64(h.crc32, crc32(0, payload, sizeof(payload)), "crc is zlib crc32 of payload only");
	tap_ok(!memcmp(buf + 16, payload, 24) && buf[40] == 0xAA, "payload copied, nothing past it");

	memset(buf, 0xAA, sizeof(buf));
	n = ktstr_frame_encode(KTSTR_MSG_SCENARIO_START, NULL, 0, buf, 16);
	ktstr_frame_hdr_get(buf, &h);
	tap_ok(n == 16 && h.length == 0 && h.crc32 == 0 && h.pad == 0,
	       "empty payload: 16 bytes, length 0, crc 0");

	memset(buf, 0xAA, sizeof(buf));
	n = ktstr_frame_encode(KTSTR_MSG_EXIT, payload, 24, buf, 39);
	tap_ok(n == -ENOSPC && buf[0] == 0xAA, "buffer one byte short: -ENOSPC, nothing written");
	tap_eq_i64(ktstr_frame_encode(KTSTR_MSG_EXIT, NULL, 4, buf, sizeof(buf)), -EINVAL,
		   "NULL payload with a length: -EINVAL");

	ktstr_fourcc_str(KTSTR_MSG_SNAPSHOT_REQ, name);
	tap_eq_str(name, "SNRQ", "fourcc of SNRQ");
	ktstr_fourcc_str(0x41000A7Fu, name);
	tap_eq_str(name, "A???", "fourcc replaces non-printables by '?'");
}

static void test_iter(const struct stream *s)
{
	struct ktstr_frame_iter it;
	struct got g = { 0 };
	uint8_t *b = exact(s->buf, s->len);
	size_t bad_at, ok_cuts = 0;

	iter_collect(b, s->len, 0, &g, &it);
	tap_ok(g.n == s->nframes && g.bad == 0 && it.stop == KTSTR_FRAME_STOP_END &&
	       it.pos == s->len, "buffer parser yields every frame, clean end");
	tap_ok(g.offs[2] == s->ends[1] && g.lens[2] == 3000 && g.types[1] == KTSTR_MSG_SCHED_LOG,
	       "offsets, lengths and types match what was encoded");

	/* Corrupt one payload byte of frame 1: yielded invalid, walk goes on. */
	b[s->ends[0] + KTSTR_FRAME_HDR_SIZE + 3] ^= 0x40;
	memset(&g, 0, sizeof(g));
	iter_collect(b, s->len, 0, &g, &it);
	tap_ok(g.n == s->nframes && g.bad == 1 && it.bad_crc == 1 &&
	       it.stop == KTSTR_FRAME_STOP_END, "bad CRC marks the frame invalid and parsing continues");
	free(b);

	/* Impossible length in frame 2's header: stop there, no overread. */
	b = exact(s->buf, s->len);
	ktstr_put_le32(b + s->ends[1] + 4, 0xFFFFFFF0u);
	memset(&g, 0, sizeof(g));
	iter_collect(b, s->len, 0, &g, &it);
	tap_ok(g.n == 2 && it.stop == KTSTR_FRAME_STOP_BAD_LENGTH && it.pos == s->ends[1],
	       "length 0xFFFFFFF0 stops parsing at that header");
	ktstr_put_le32(b + s->ends[1] + 4, 3001);
	memset(&g, 0, sizeof(g));
	iter_collect(b, s->len, 2000, &g, &it);
	tap_ok(g.n == 2 && it.stop == KTSTR_FRAME_STOP_BAD_LENGTH,
	       "length above the caller's max stops parsing");
	free(b);

	/* Truncated at every byte: whole frames before the cut, tail reported. */
	bad_at = 0;
	for (size_t cut = 0; cut <= s->len; cut++) {
		size_t whole = 0, start = 0;

		for (size_t i = 0; i < s->nframes && s->ends[i] <= cut; i++) {
			whole++;
			start = s->ends[i];
		}
		b = exact(s->buf, cut);
		memset(&g, 0, sizeof(g));
		iter_collect(b, cut, 0, &g, &it);
		free(b);
		if (g.n != whole || it.pos != start ||
		    it.stop != (start == cut ? KTSTR_FRAME_STOP_END : KTSTR_FRAME_STOP_PARTIAL)) {
			if (!bad_at)
				bad_at = cut ? cut : 1;
		} else {
			ok_cuts++;
		}
	}
	tap_ok(ok_cuts == s->len + 1, "truncated at each of %zu cuts: whole frames, then PARTIAL at the tail start (first bad cut %zu)",
	       s->len + 1, bad_at);
}

static void feed_chunks(const uint8_t *buf, size_t len, unsigned seed, size_t maxchunk,
			struct got *g, struct ktstr_frame_dec *d)
{
	size_t pos = 0;

	ktstr_frame_dec_init(d, 0);
	srand(seed);
	while (pos < len) {
		size_t n = maxchunk == 1 ? 1 : 1 + (size_t)rand() % maxchunk;
		uint8_t *c;

		if (n > len - pos)
			n = len - pos;
		c = exact(buf + pos, n);
		ktstr_frame_dec_feed(d, c, n, collect, g);
		free(c);
		pos += n;
	}
}

static void test_decoder(const struct stream *s)
{
	struct ktstr_frame_iter it;
	struct ktstr_frame_dec d;
	struct got ref = { 0 }, g = { 0 };
	int all_same = 1;
	uint8_t hdr[KTSTR_FRAME_HDR_SIZE];

	iter_collect(s->buf, s->len, 0, &ref, &it);

	feed_chunks(s->buf, s->len, 1, 1, &g, &d);
	tap_ok(got_equal(&g, &ref) && ktstr_frame_dec_residue(&d) == 0,
	       "decoder fed 1 byte at a time yields the same frames");
	ktstr_frame_dec_free(&d);

	for (unsigned seed = 1; seed <= 50; seed++) {
		memset(&g, 0, sizeof(g));
		feed_chunks(s->buf, s->len, seed, seed * 37, &g, &d);
		if (!got_equal(&g, &ref) || d.len || d.resyncs)
			all_same = 0;
		ktstr_frame_dec_free(&d);
	}
	tap_ok(all_same, "decoder fed random chunk sizes (50 seeds) yields the same frames");

	/* Truncated stream: residue kept for the caller. */
	memset(&g, 0, sizeof(g));
	ktstr_frame_dec_init(&d, 0);
	ktstr_frame_dec_feed(&d, s->buf, s->ends[2] - 5, collect, &g);
	tap_ok(g.n == 2 && ktstr_frame_dec_residue(&d) == s->ends[2] - 5 - s->ends[1],
	       "partial tail is held as residue");
	ktstr_frame_dec_free(&d);

	/* Announced huge length with few bytes: no allocation by announcement. */
	ktstr_frame_hdr_put(hdr, KTSTR_MSG_STDOUT, KTSTR_FRAME_MAX_PAYLOAD, 0);
	ktstr_frame_dec_init(&d, 0);
	ktstr_frame_dec_feed(&d, hdr, sizeof(hdr), collect, &g);
	ktstr_frame_dec_feed(&d, "0123456789", 10, collect, &g);
	tap_ok(d.cap <= 4096 && d.len == 26, "16 MiB announced, 26 bytes held, buffer %zu bytes", d.cap);
	ktstr_frame_dec_free(&d);
}

static void test_resync(const struct stream *s)
{
	struct ktstr_frame_dec d;
	struct got g = { 0 };
	uint8_t bad[40];
	uint8_t *first = exact(s->buf, s->ends[1]);

	memset(bad, 0x5A, sizeof(bad));
	ktstr_frame_hdr_put(bad, KTSTR_MSG_STDOUT, 100000, 0);

	ktstr_frame_dec_init(&d, 65536);
	/* chunk 1: two good frames then an oversize header and junk */
	ktstr_frame_dec_feed(&d, first, s->ends[1], collect, &g);
	ktstr_frame_dec_feed(&d, bad, 10, collect, &g);	/* header split across chunks */
	ktstr_frame_dec_feed(&d, bad + 10, sizeof(bad) - 10, collect, &g);
	tap_ok(d.resyncs == 1 && d.len == 0 && d.discarded == sizeof(bad),
	       "oversize announced length: buffered bytes discarded, resync counted");
	ktstr_frame_dec_feed(&d, s->buf, s->ends[1], collect, &g);
	tap_ok(g.n == 4 && g.bad == 0 && d.len == 0, "decoding resumes at the next chunk");

	/* oversize header at the start of a fresh chunk */
	ktstr_frame_dec_feed(&d, bad, sizeof(bad), collect, &g);
	tap_ok(d.resyncs == 2 && d.len == 0, "oversize header inside one chunk: resync");
	ktstr_frame_dec_free(&d);
	free(first);
}

static void test_stop(const struct stream *s)
{
	struct ktstr_frame_dec d;
	struct got g = { .stop_after = 2 };
	struct got ref = { 0 };
	struct ktstr_frame_iter it;
	int rc;

	iter_collect(s->buf, s->len, 0, &ref, &it);
	ktstr_frame_dec_init(&d, 0);
	rc = ktstr_frame_dec_feed(&d, s->buf, s->len, collect, &g);
	tap_ok(rc == 1 && g.n == 2 && d.len == s->len - s->ends[1],
	       "callback stop returns its value and keeps the rest");
	g.stop_after = 0;
	rc = ktstr_frame_dec_feed(&d, NULL, 0, collect, &g);
	tap_ok(rc == 0 && got_equal(&g, &ref) && d.len == 0,
	       "feeding again delivers the kept frames in order");
	ktstr_frame_dec_free(&d);

	/* fuzzer finding: empty feeds on a fresh decoder (NULL buffers) */
	ktstr_frame_dec_init(&d, 0);
	rc = ktstr_frame_dec_feed(&d, NULL, 0, collect, &g);
	rc |= ktstr_frame_dec_feed(&d, "", 0, collect, &g);
	tap_ok(rc == 0 && d.len == 0 && d.buf == NULL, "empty feeds on a fresh decoder are no-ops");
	g.n = 0;
	g.stop_after = 1;
	rc = ktstr_frame_dec_feed(&d, s->buf, s->ends[0], collect, &g);
	tap_ok(rc == 1 && d.len == 0 && d.buf == NULL,
	       "stop on a chunk's last frame keeps nothing (no NULL arithmetic under UBSan)");
	ktstr_frame_dec_free(&d);
}

int main(void)
{
	struct stream s;

	stream_build(&s);
	test_encode();
	test_iter(&s);
	test_decoder(&s);
	test_resync(&s);
	test_stop(&s);
	free(s.buf);
	return tap_done();
}
