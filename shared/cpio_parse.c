// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpio_parse.c — the cpio "newc" reader and gzip loader (ktstr/cpio.h).
 *
 * Input is untrusted (fuzzable): every length is checked against the
 * bytes that remain before it is used, offsets are 64-bit, nothing is
 * read outside [buf, buf + len).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ktstr/cpio.h"
#include "ktstr/file.h"

#define CPIO_NFIELDS 13
#define CPIO_LOAD_DEFAULT_MAX (1ull << 30)

static const char *const cpio_field_names[CPIO_NFIELDS] = {
	"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse the 13 fields; returns the index of a bad field, or -1 if all are hex. */
static int cpio_fields(const unsigned char *h, uint32_t f[CPIO_NFIELDS])
{
	int i, j;

	for (i = 0; i < CPIO_NFIELDS; i++) {
		uint32_t v = 0;

		for (j = 0; j < 8; j++) {
			int d = hexval(h[6 + i * 8 + j]);

			if (d < 0)
				return i;
			v = (v << 4) | (uint32_t)d;
		}
		f[i] = v;
	}
	return -1;
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

/* Check the magic at off; fills *crc.  0 or -EINVAL with a message. */
static int cpio_magic(const unsigned char *p, uint64_t off, bool *crc, char *err, size_t errlen)
{
	if (!memcmp(p, KTSTR_CPIO_MAGIC, 6)) {
		*crc = false;
		return 0;
	}
	if (!memcmp(p, KTSTR_CPIO_MAGIC_CRC, 6)) {
		*crc = true;
		return 0;
	}
	if (!memcmp(p, "070707", 6))
		snprintf(err, errlen, "offset %llu: old portable (odc) cpio header; the kernel "
			 "reads only newc (cpio -H newc)", (unsigned long long)off);
	else
		snprintf(err, errlen, "offset %llu: no cpio magic (want 070701 or 070702)",
			 (unsigned long long)off);
	return -EINVAL;
}

/*
 * Decode the entry whose header starts at off into *e.  Returns the
 * offset of the byte after its (padded) body, or 0 with a message.
 */
static uint64_t cpio_entry(const unsigned char *b, uint64_t len, uint64_t off,
			   struct ktstr_cpio_entry *e, char *err, size_t errlen)
{
	unsigned long long o = off;
	uint32_t f[CPIO_NFIELDS];
	uint64_t name_end, data_off, data_end, next;
	const char *name;
	int bad;

	if (len - off < KTSTR_CPIO_HDR_SIZE) {
		snprintf(err, errlen, "offset %llu: truncated header (%llu of %u bytes)", o,
			 (unsigned long long)(len - off), KTSTR_CPIO_HDR_SIZE);
		return 0;
	}
	memset(e, 0, sizeof(*e));
	if (cpio_magic(b + off, off, &e->crc, err, errlen))
		return 0;
	bad = cpio_fields(b + off, f);
	if (bad >= 0) {
		snprintf(err, errlen, "offset %llu: field %s is not 8 hex digits", o,
			 cpio_field_names[bad]);
		return 0;
	}
	e->ino = f[0], e->mode = f[1], e->uid = f[2], e->gid = f[3], e->nlink = f[4];
	e->mtime = f[5], e->size = f[6], e->devmajor = f[7], e->devminor = f[8];
	e->rdevmajor = f[9], e->rdevminor = f[10], e->namesize = f[11], e->check = f[12];
	e->offset = off;

	if (e->namesize == 0 || e->namesize > KTSTR_CPIO_NAME_MAX) {
		snprintf(err, errlen, "offset %llu: name size %u not in 1..%u", o, e->namesize,
			 KTSTR_CPIO_NAME_MAX);
		return 0;
	}
	name_end = off + KTSTR_CPIO_HDR_SIZE + e->namesize;
	if (name_end > len) {
		snprintf(err, errlen, "offset %llu: truncated name (%u bytes, %llu left)", o,
			 e->namesize, (unsigned long long)(len - off - KTSTR_CPIO_HDR_SIZE));
		return 0;
	}
	name = (const char *)b + off + KTSTR_CPIO_HDR_SIZE;
	if (name[e->namesize - 1] != '\0' || memchr(name, '\0', e->namesize - 1)) {
		snprintf(err, errlen, "offset %llu: name is not %u bytes ending in its only NUL",
			 o, e->namesize);
		return 0;
	}
	e->name = name;
	e->trailer = !strcmp(name, KTSTR_CPIO_TRAILER);

	data_off = align4(name_end);
	data_end = data_off + e->size;
	next = align4(data_end);
	if (data_off > len || next > len) {
		snprintf(err, errlen, "%s (offset %llu): truncated: %u data bytes + padding need "
			 "%llu bytes, %llu left", name, o, e->size,
			 (unsigned long long)(next - off), (unsigned long long)(len - off));
		return 0;
	}
	if ((e->mode & S_IFMT) == S_IFLNK && (e->size == 0 || e->size >= KTSTR_CPIO_NAME_MAX)) {
		snprintf(err, errlen, "%s (offset %llu): symlink target of %u bytes", name, o,
			 e->size);
		return 0;
	}
	e->data = b + data_off;
	if (e->crc && (e->mode & S_IFMT) == S_IFREG) {
		uint32_t sum = 0;
		uint64_t i;

		for (i = 0; i < e->size; i++)
			sum += b[data_off + i];
		if (sum != e->check) {
			snprintf(err, errlen, "%s (offset %llu): bad data checksum %08x, header "
				 "says %08x", name, o, sum, e->check);
			return 0;
		}
	}
	return next;
}

int ktstr_cpio_parse(const void *buf, size_t len, ktstr_cpio_visit_fn visit, void *ctx,
		     char *err, size_t errlen)
{
	const unsigned char *b = buf;
	uint64_t off = 0, n = len;
	bool last_was_trailer = false, any = false;

	for (;;) {
		struct ktstr_cpio_entry e;
		uint64_t next;
		int rc;

		/* Between entries the kernel skips NULs (padding, concatenation). */
		while (off < n && b[off] == '\0')
			off++;
		if (off == n)
			break;
		if (off & 3) {
			snprintf(err, errlen, "offset %llu: header not aligned to 4 (broken padding)",
				 (unsigned long long)off);
			return -EINVAL;
		}
		next = cpio_entry(b, n, off, &e, err, errlen);
		if (!next)
			return -EINVAL;
		any = true;
		last_was_trailer = e.trailer;
		if (visit) {
			rc = visit(&e, ctx);
			if (rc)
				return rc;
		}
		off = next;
	}
	if (!any) {
		snprintf(err, errlen, "empty archive (no entries)");
		return -EINVAL;
	}
	if (!last_was_trailer) {
		snprintf(err, errlen, "archive ends without %s (truncated?)", KTSTR_CPIO_TRAILER);
		return -EINVAL;
	}
	return 0;
}

/* ---- gzip ---- */

static int buf_reserve(unsigned char **out, size_t *cap, size_t need, size_t max)
{
	size_t ncap;
	unsigned char *nb;

	if (need <= *cap)
		return 0;
	if (need > max)
		return -EFBIG;
	ncap = *cap ? *cap : 64u << 10;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	nb = realloc(*out, ncap);
	if (!nb)
		return -ENOMEM;
	*out = nb;
	*cap = ncap;
	return 0;
}

/* Inflate one gzip member starting at in[*ioff]; append to out. */
static int gz_member(z_stream *zs, const unsigned char *in, size_t len, size_t *ioff,
		     unsigned char **out, size_t *olen, size_t *ocap, size_t max,
		     char *err, size_t errlen)
{
	int zr;

	zs->next_in = (Bytef *)(uintptr_t)(in + *ioff);
	zs->avail_in = (uInt)((len - *ioff) > UINT_MAX ? UINT_MAX : (len - *ioff));
	do {
		int rc = buf_reserve(out, ocap, *olen + (64u << 10), max + (64u << 10));

		if (rc) {
			snprintf(err, errlen, rc == -EFBIG ? "inflated archive exceeds %zu bytes"
				 : "out of memory (%zu bytes)", max);
			return rc;
		}
		zs->next_out = *out + *olen;
		zs->avail_out = (uInt)((*ocap - *olen) > UINT_MAX ? UINT_MAX : (*ocap - *olen));
		zr = inflate(zs, Z_NO_FLUSH);
		*olen = (size_t)(zs->next_out - *out);
		if (*olen > max) {
			snprintf(err, errlen, "inflated archive exceeds %zu bytes", max);
			return -EFBIG;
		}
		if (zr == Z_BUF_ERROR && zs->avail_in == 0) {
			snprintf(err, errlen, "gzip member at offset %zu is truncated", *ioff);
			return -EINVAL;
		}
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			snprintf(err, errlen, "gzip member at offset %zu: %s", *ioff,
				 zs->msg ? zs->msg : "inflate error");
			return -EINVAL;
		}
	} while (zr != Z_STREAM_END);
	*ioff = (size_t)(zs->next_in - in);
	return 0;
}

int ktstr_cpio_inflate(const void *buf, size_t len, size_t max, void **out, size_t *outlen,
		       char *err, size_t errlen)
{
	const unsigned char *in = buf;
	unsigned char *o = NULL;
	size_t olen = 0, ocap = 0, ioff = 0;
	z_stream zs;
	int rc = 0;

	*out = NULL;
	*outlen = 0;
	if (!max)
		max = CPIO_LOAD_DEFAULT_MAX;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		snprintf(err, errlen, "inflateInit2 failed");
		return -ENOMEM;
	}
	while (ioff < len) {
		if (in[ioff] == '\0') {		/* padding between members */
			ioff++;
			continue;
		}
		if (len - ioff < 2 || in[ioff] != 0x1f || in[ioff + 1] != 0x8b) {
			snprintf(err, errlen, "offset %zu: junk after gzip data (not a gzip member)",
				 ioff);
			rc = -EINVAL;
			break;
		}
		inflateReset(&zs);
		rc = gz_member(&zs, in, len, &ioff, &o, &olen, &ocap, max, err, errlen);
		if (rc)
			break;
		/* The kernel restarts its offsets per member: keep members 4-aligned. */
		while (olen & 3) {
			rc = buf_reserve(&o, &ocap, olen + 1, max + (64u << 10));
			if (rc) {
				snprintf(err, errlen, "out of memory");
				break;
			}
			o[olen++] = '\0';
		}
		if (rc)
			break;
	}
	inflateEnd(&zs);
	if (rc) {
		free(o);
		return rc;
	}
	*out = o;
	*outlen = olen;
	return 0;
}

int ktstr_cpio_load(const char *path, size_t max, void **out, size_t *outlen,
		    char *err, size_t errlen)
{
	char sub[400];
	unsigned char *b;
	void *raw;
	size_t n;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (!max)
		max = CPIO_LOAD_DEFAULT_MAX;
	rc = ktstr_file_read(path, max, &raw, &n, NULL, err, errlen);
	if (rc)
		return rc;
	b = raw;
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		rc = ktstr_cpio_inflate(b, n, max, out, outlen, sub, sizeof(sub));
		if (rc)
			snprintf(err, errlen, "%s: %s", path, sub);
		free(b);
		return rc;
	}
	*out = b;
	*outlen = n;
	return 0;
}
