// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpio_parse.c — the newc reader on hostile input: every truncation,
 * every single-byte corruption and random garbage of a valid archive
 * are parsed from exactly-sized heap copies (ASan catches any overread);
 * each kernel rule gets a crafted archive and the error names it; the
 * gzip loader handles members, truncation, junk and size caps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "ktstr/cpio.h"
#include "../tap.h"

/* Append one entry with the given fields (name size computed unless ns >= 0). */
static size_t put(unsigned char *b, size_t off, const char *magic, uint32_t mode,
		  const char *name, long ns, const void *data, uint32_t size, uint32_t check)
{
	char hdr[120];
	size_t nlen = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08lX%08X",
		 magic, 1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u,
		 ns >= 0 ? (unsigned long)ns : (unsigned long)nlen, check);
	memcpy(b + off, hdr, 110);
	off += 110;
	memcpy(b + off, name, nlen);
	off += nlen;
	while (off & 3)
		b[off++] = 0;
	if (size)
		memcpy(b + off, data, size);
	off += size;
	while (off & 3)
		b[off++] = 0;
	return off;
}

static size_t trailer(unsigned char *b, size_t off)
{
	return put(b, off, "070701", 0, "TRAILER!!!", -1, NULL, 0, 0);
}

static int count_visit(const struct ktstr_cpio_entry *e, void *ctx)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

/* Parse a heap copy of exactly len bytes. */
static int parse_copy(const unsigned char *b, size_t len, char *err, size_t errlen, int *n)
{
	unsigned char *c = malloc(len ? len : 1);
	int rc, dummy = 0;

	memcpy(c, b, len);
	rc = ktstr_cpio_parse(c, len, count_visit, n ? n : &dummy, err, errlen);
	free(c);
	return rc;
}

static size_t valid_archive(unsigned char *b)
{
	size_t off = 0;

	off = put(b, off, "070701", S_IFDIR | 0755, "dev", -1, NULL, 0, 0);
	off = put(b, off, "070701", S_IFREG | 0644, "dev/x", -1, "hello", 5, 0);
	off = put(b, off, "070701", S_IFLNK | 0777, "l", -1, "dev/x", 5, 0);
	return trailer(b, off);
}

static void test_truncations(void)
{
	unsigned char b[1024];
	size_t len = valid_archive(b), cut;
	int all_fail = 1, n = 0;
	char err[256];

	tap_eq_i64(parse_copy(b, len, err, sizeof(err), &n), 0, "crafted archive parses");
	tap_eq_i64(n, 4, "4 entries including the trailer");
	for (cut = 0; cut < len; cut++)
		if (parse_copy(b, cut, err, sizeof(err), NULL) != -EINVAL)
			all_fail = 0;
	tap_ok(all_fail, "each of the %zu truncations is rejected", len);
	parse_copy(b, 200, err, sizeof(err), NULL);
	tap_has_str(err, "truncated", "a cut mid-data says truncated: %s", err);
}

static void test_corruptions(void)
{
	unsigned char b[1024], c[1024];
	size_t len = valid_archive(b), i;
	unsigned int seed = 12345;
	char err[256];
	int k, survived = 1;

	/* every byte, three bad values each; survival under ASan is the test */
	for (i = 0; i < len; i++) {
		static const unsigned char vals[] = { 0x00, 0xff, 'F' };

		for (k = 0; k < 3; k++) {
			memcpy(c, b, len);
			c[i] = vals[k];
			parse_copy(c, len, err, sizeof(err), NULL);
		}
	}
	for (k = 0; k < 2000; k++) {
		size_t n = (size_t)(rand_r(&seed) % 600);

		for (i = 0; i < n; i++)
			c[i] = (unsigned char)(k & 1 ? rand_r(&seed) : "0707012345"[rand_r(&seed) % 10]);
		if (n >= 6 && k % 3 == 0)
			memcpy(c, "070701", 6);
		parse_copy(c, n, err, sizeof(err), NULL);
	}
	tap_ok(survived, "single-byte corruptions and random garbage parse without overread");
}

static void expect(const unsigned char *b, size_t len, const char *needle, const char *what)
{
	char err[256] = "";
	int rc = parse_copy(b, len, err, sizeof(err), NULL);

	tap_ok(rc == -EINVAL && strstr(err, needle), "%s: %s", what, err);
}

static void test_rules(void)
{
	unsigned char b[16384];
	size_t off;

	off = trailer(b, 0);
	memcpy(b, "070707", 6);
	expect(b, off, "odc", "old portable format named");
	memcpy(b, "123456", 6);
	expect(b, off, "no cpio magic", "bad magic");
	off = trailer(b, 0);
	b[6 + 6 * 8 + 3] = 'g';
	expect(b, off, "filesize", "non-hex digit names the field");

	off = put(b, 0, "070701", S_IFREG | 0644, "x", 0, NULL, 0, 0);
	expect(b, off + 200, "name size 0", "namesize 0");
	off = put(b, 0, "070701", S_IFREG | 0644, "x", 4097, NULL, 0, 0);
	expect(b, sizeof(b), "name size 4097", "namesize > PATH_MAX");
	off = put(b, 0, "070701", S_IFREG | 0644, "abc", 3, NULL, 0, 0);
	off = trailer(b, off);
	expect(b, off, "NUL", "name not NUL-terminated within namesize");
	off = put(b, 0, "070701", S_IFREG | 0644, "ab", 3, NULL, 0, 0);
	b[111] = '\0';
	off = trailer(b, off);
	expect(b, off, "NUL", "embedded NUL in name");
	off = put(b, 0, "070701", S_IFREG | 0644, "big", -1, "abcd", 4, 0);
	memcpy(b + 6 + 6 * 8, "7FFFFFFF", 8);
	expect(b, off, "truncated", "file size past the end");
	off = put(b, 0, "070701", S_IFLNK | 0777, "l", -1, NULL, 0, 0);
	off = trailer(b, off);
	expect(b, off, "symlink", "empty symlink target");

	off = put(b, 0, "070701", S_IFREG | 0644, "f", -1, "x", 1, 0);
	expect(b, off, "without TRAILER", "missing trailer");
	expect(b, 0, "empty", "empty buffer");
	memset(b, 0, 64);
	expect(b, 64, "empty", "only NULs");

	/* two NULs, then a header at an offset that is not a multiple of 4 */
	off = put(b, 0, "070701", S_IFREG | 0644, "f", -1, "x", 1, 0);
	b[off] = 0;
	b[off + 1] = 0;
	memcpy(b + off + 2, "070701", 6);
	expect(b, off + 200, "aligned", "header after NULs not 4-aligned: broken padding");
}

static int stop_at_second(const struct ktstr_cpio_entry *e, void *ctx)
{
	return ++*(int *)ctx == 2 ? 42 : 0;
}

static void test_accepts(void)
{
	unsigned char b[4096];
	char err[256];
	size_t off;
	int n = 0;

	/* 070702: byte-sum checksum of the data */
	off = put(b, 0, "070702", S_IFREG | 0644, "c", -1, "\x01\x02\x03", 3, 6);
	off = trailer(b, off);
	tap_eq_i64(parse_copy(b, off, err, sizeof(err), NULL), 0, "070702 with right checksum");
	put(b, 0, "070702", S_IFREG | 0644, "c", -1, "\x01\x02\x03", 3, 7);
	expect(b, off, "checksum", "070702 with wrong checksum");

	/* two archives, NUL padding between (kernel: concatenated initramfs) */
	off = put(b, 0, "070701", S_IFREG | 0644, "a", -1, "1", 1, 0);
	off = trailer(b, off);
	memset(b + off, 0, 512);
	off += 512;
	off = put(b, off, "070701", S_IFREG | 0644, "b", -1, "2", 1, 0);
	off = trailer(b, off);
	tap_eq_i64(parse_copy(b, off, err, sizeof(err), &n), 0, "concatenated archives parse");
	tap_eq_i64(n, 4, "both archives' entries seen");
	n = 0;
	tap_eq_i64(ktstr_cpio_parse(b, off, stop_at_second, &n, err, sizeof(err)), 42,
		   "visitor's non-zero return stops the walk");
	/* lower-case hex digits are as good as upper-case */
	off = put(b, 0, "070701", S_IFREG | 0644, "h", -1, "x", 1, 0);
	off = trailer(b, off);
	memcpy(b + 6, "0000000a", 8);
	tap_eq_i64(parse_copy(b, off, err, sizeof(err), NULL), 0, "lower-case hex accepted");
}

static size_t gz(const void *in, size_t len, unsigned char *out, size_t cap)
{
	z_stream zs = { 0 };
	size_t n;

	deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	n = zs.total_out;
	deflateEnd(&zs);
	return n;
}

static void test_gzip(void)
{
	static unsigned char a[1024], z[1 << 20], g[1 << 16];
	size_t alen = valid_archive(a), glen, g2, olen, cut;
	char err[256];
	void *out;
	int all = 1;

	glen = gz(a, alen, g, sizeof(g));
	g[glen] = g[glen + 1] = g[glen + 2] = 0;	/* NUL padding between members */
	g2 = gz(a, alen, g + glen + 3, sizeof(g) - glen - 3);
	tap_ok(!ktstr_cpio_inflate(g, glen + 3 + g2, 0, &out, &olen, err, sizeof(err)) &&
	       olen == 2 * alen && !memcmp(out, a, alen) && !memcmp((char *)out + alen, a, alen),
	       "two gzip members (NUL-padded) inflate to both archives");
	tap_eq_i64(out ? ktstr_cpio_parse(out, olen, NULL, NULL, err, sizeof(err)) : -1, 0,
		   "and the result parses");
	free(out);
	for (cut = 1; cut < glen; cut++) {
		unsigned char *c = malloc(cut);

		memcpy(c, g, cut);
		if (!ktstr_cpio_inflate(c, cut, 0, &out, &olen, err, sizeof(err))) {
			all = 0;
			free(out);
		}
		free(c);
	}
	tap_ok(all, "every truncated gzip member is rejected");
	memcpy(g + glen, "junk", 4);
	tap_ok(ktstr_cpio_inflate(g, glen + 4, 0, &out, &olen, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "junk"), "junk after a member: %s", err);
	glen = gz(z, sizeof(z), g, sizeof(g));
	tap_ok(ktstr_cpio_inflate(g, glen, 65536, &out, &olen, err, sizeof(err)) == -EFBIG,
	       "1 MiB of zeros over a 64 KiB cap: -EFBIG (%s)", err);
}

int main(void)
{
	test_truncations();
	test_corruptions();
	test_rules();
	test_accepts();
	test_gzip();
	return tap_done();
}
