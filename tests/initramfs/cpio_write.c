// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpio_write.c — the newc writer: round trip through our reader with
 * byte-exact contents and modes, the kernel's format rules checked on
 * the raw bytes, determinism, the gzip wrapper (checked with zlib's
 * inflate directly), and refused inputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ktstr/cpio.h"
#include "../tap.h"

#define MAXE 64

struct seen {
	size_t n;
	struct {
		char name[256];
		uint32_t mode, size, ino, uid, gid, mtime, nlink, rmaj, rmin;
		uint64_t off;
		unsigned char data[8192];
		bool trailer;
	} e[MAXE];
};

static int collect(const struct ktstr_cpio_entry *e, void *ctx)
{
	struct seen *s = ctx;

	if (s->n >= MAXE || e->size > sizeof(s->e[0].data))
		return -1;
	snprintf(s->e[s->n].name, sizeof(s->e[0].name), "%s", e->name);
	s->e[s->n].mode = e->mode;
	s->e[s->n].size = e->size;
	s->e[s->n].ino = e->ino;
	s->e[s->n].uid = e->uid;
	s->e[s->n].gid = e->gid;
	s->e[s->n].mtime = e->mtime;
	s->e[s->n].nlink = e->nlink;
	s->e[s->n].rmaj = e->rdevmajor;
	s->e[s->n].rmin = e->rdevminor;
	s->e[s->n].off = e->offset;
	s->e[s->n].trailer = e->trailer;
	memcpy(s->e[s->n].data, e->data, e->size);
	s->n++;
	return 0;
}

static unsigned char big[5000];

/* Build the sample archive into a fresh temp file; returns its bytes. */
static unsigned char *build(unsigned int flags, const char *srcfile, size_t *len)
{
	char path[] = "/tmp/ktstr-cpio-test.XXXXXX", err[256];
	struct ktstr_cpio_writer *w;
	unsigned char *buf;
	uint64_t bytes = 0;
	struct stat st;
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return NULL;
	unlink(path);
	rc = ktstr_cpio_open(&w, fd, 9, flags, err, sizeof(err));
	if (rc)
		return NULL;
	rc = ktstr_cpio_add_dir(w, "/tmp", 01777);
	rc = rc ?: ktstr_cpio_add_data(w, "/init", 0755, "#!/bin/sh\n", 10);
	/* parents a/ and a/b/ come automatically, once */
	rc = rc ?: ktstr_cpio_add_data(w, "a/b/one", 0600, "1", 1);
	rc = rc ?: ktstr_cpio_add_data(w, "//a/./b//two", 0640, "22", 2);
	rc = rc ?: ktstr_cpio_add_file(w, "/a/big", 0644, srcfile);
	rc = rc ?: ktstr_cpio_add_symlink(w, "/lib64/ld.so", "/lib/x/ld.so");
	rc = rc ?: ktstr_cpio_add_chardev(w, "/dev/console", 0600, 5, 1);
	rc = rc ?: ktstr_cpio_add_dir(w, "/tmp", 01777);	/* same mode: no-op */
	rc = rc ?: ktstr_cpio_add_data(w, "/empty", 0444, "", 0);
	rc = rc ?: ktstr_cpio_add_data(w, "/.ktstr_init_ok", 0644, "", 0);
	rc = rc ?: ktstr_cpio_finish(w, &bytes);
	if (rc) {
		tap_diag("build failed: %s", ktstr_cpio_error(w));
		ktstr_cpio_free(w);
		return NULL;
	}
	ktstr_cpio_free(w);
	if (fstat(fd, &st) || (uint64_t)st.st_size != bytes)
		return NULL;
	buf = malloc((size_t)st.st_size);
	if (!buf || pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return NULL;
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* Independent check of the raw bytes against init/initramfs.c's rules. */
static void check_format(const unsigned char *b, size_t len, const struct seen *s)
{
	int aligned = 1, namesz = 1, pad_zero = 1;
	size_t i;

	for (i = 0; i < s->n; i++) {
		uint64_t off = s->e[i].off;
		char field[9] = { 0 };
		unsigned long ns;
		size_t k;

		if (off & 3)
			aligned = 0;
		memcpy(field, b + off + 6 + 11 * 8, 8);	/* c_namesize */
		ns = strtoul(field, NULL, 16);
		if (ns != strlen(s->e[i].name) + 1 || b[off + 110 + ns - 1] != '\0')
			namesz = 0;
		/* N_ALIGN: name padding bytes up to the data are NUL */
		for (k = off + 110 + ns; k < ((off + 110 + ns + 3) & ~3ull); k++)
			if (b[k])
				pad_zero = 0;
	}
	tap_ok(aligned, "every header starts at a multiple of 4");
	tap_ok(namesz, "namesize = strlen(name) + 1 and the name ends in NUL");
	tap_ok(pad_zero, "header+name padding is NUL up to a multiple of 4");
	tap_ok(s->n && s->e[s->n - 1].trailer && !strcmp(s->e[s->n - 1].name, "TRAILER!!!"),
	       "last entry is TRAILER!!!");
	tap_ok(len % 4 == 0, "archive length %zu is a multiple of 4", len);
	tap_ok(!memcmp(b, "070701", 6), "magic 070701");
}

static const struct seen *find_entry(const struct seen *s, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].name, name)) {
			*idx = i;
			return s;
		}
	return NULL;
}

static void check_entries(const struct seen *s)
{
	static const char *const order[] = {
		"tmp", "init", "a", "a/b", "a/b/one", "a/b/two", "a/big", "lib64", "lib64/ld.so",
		"dev", "dev/console", "empty", ".ktstr_init_ok", "TRAILER!!!",
	};
	size_t i, k;
	int ok = s->n == sizeof(order) / sizeof(order[0]), meta = 1, ino = 1;

	for (i = 0; ok && i < s->n; i++)
		if (strcmp(s->e[i].name, order[i]))
			ok = 0;
	tap_ok(ok, "entries in the caller's order, parents right before first child, once");
	for (i = 0; i + 1 < s->n; i++) {
		if (s->e[i].mtime || s->e[i].uid || s->e[i].gid)
			meta = 0;
		if (s->e[i].ino != i + 1)
			ino = 0;
	}
	tap_ok(meta, "mtime, uid and gid are 0 everywhere");
	tap_ok(ino, "inodes numbered 1, 2, 3... in order");

	tap_ok(find_entry(s, "tmp", &k) && s->e[k].mode == (S_IFDIR | 01777), "/tmp 041777");
	tap_ok(find_entry(s, "a", &k) && s->e[k].mode == (S_IFDIR | 0755) && s->e[k].nlink == 2,
	       "auto parent a/ is 040755 nlink 2");
	tap_ok(find_entry(s, "init", &k) && s->e[k].mode == (S_IFREG | 0755) &&
	       s->e[k].size == 10 && !memcmp(s->e[k].data, "#!/bin/sh\n", 10),
	       "/init bytes and mode 0100755");
	tap_ok(find_entry(s, "a/b/one", &k) && s->e[k].mode == (S_IFREG | 0600) &&
	       s->e[k].size == 1 && s->e[k].data[0] == '1', "a/b/one 0600 '1'");
	tap_ok(find_entry(s, "a/b/two", &k) && s->e[k].mode == (S_IFREG | 0640) &&
	       s->e[k].size == 2 && !memcmp(s->e[k].data, "22", 2), "odd path normalised");
	tap_ok(find_entry(s, "a/big", &k) && s->e[k].size == sizeof(big) &&
	       !memcmp(s->e[k].data, big, sizeof(big)), "file from a path: byte-exact");
	tap_ok(find_entry(s, "lib64/ld.so", &k) && s->e[k].mode == (S_IFLNK | 0777) &&
	       s->e[k].size == 12 && !memcmp(s->e[k].data, "/lib/x/ld.so", 12),
	       "symlink body is the target without NUL");
	tap_ok(find_entry(s, "dev/console", &k) && s->e[k].mode == (S_IFCHR | 0600) &&
	       s->e[k].rmaj == 5 && s->e[k].rmin == 1, "char device 5:1");
	tap_ok(find_entry(s, "empty", &k) && s->e[k].size == 0 && s->e[k].mode == (S_IFREG | 0444),
	       "empty file");
}

/* Inflate with zlib directly (not our loader). */
static unsigned char *zinflate(const unsigned char *in, size_t len, size_t *olen)
{
	size_t cap = 1 << 20;
	unsigned char *o = malloc(cap);
	z_stream zs = { 0 };
	int zr;

	if (!o || inflateInit2(&zs, 15 + 16) != Z_OK)
		return NULL;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = o;
	zs.avail_out = (uInt)cap;
	zr = inflate(&zs, Z_FINISH);
	*olen = zs.total_out;
	inflateEnd(&zs);
	if (zr != Z_STREAM_END || zs.avail_in) {
		free(o);
		return NULL;
	}
	return o;
}

static void test_errors(void)
{
	struct ktstr_cpio_writer *w;
	char err[256];
	int fd = open("/dev/null", O_WRONLY);

	tap_ok(ktstr_cpio_open(&w, fd, 12, 0, err, sizeof(err)) == -EINVAL,
	       "level 12 refused: %s", err);
	if (ktstr_cpio_open(&w, fd, -1, KTSTR_CPIO_RAW, err, sizeof(err)))
		return;
	tap_eq_i64(ktstr_cpio_add_data(w, "/a/../etc", 0644, "x", 1), -EINVAL, "'..' refused");
	tap_has_str(ktstr_cpio_error(w), "/a/../etc", "message names the path");
	tap_eq_i64(ktstr_cpio_add_data(w, "/f", 0644, "x", 1), 0, "/f added");
	tap_eq_i64(ktstr_cpio_add_data(w, "f", 0600, "y", 1), -EEXIST, "duplicate refused");
	tap_has_str(ktstr_cpio_error(w), "/f: already in the archive", "duplicate named");
	tap_eq_i64(ktstr_cpio_add_data(w, "/f/g", 0644, "x", 1), -ENOTDIR,
		   "child of a file refused");
	tap_eq_i64(ktstr_cpio_add_dir(w, "/d", 0755), 0, "dir /d");
	tap_eq_i64(ktstr_cpio_add_dir(w, "/d", 0700), -EEXIST, "dir re-added with another mode");
	tap_eq_i64(ktstr_cpio_add_data(w, "/m", 0100644, "x", 1), -EINVAL,
		   "type bits in mode refused");
	tap_eq_i64(ktstr_cpio_add_data(w, "/", 0644, "x", 1), -EINVAL, "root as a file refused");
	tap_eq_i64(ktstr_cpio_add_data(w, "TRAILER!!!", 0644, "", 0), -EINVAL,
		   "TRAILER!!! as a name refused");
	tap_eq_i64(ktstr_cpio_add_file(w, "/nf", 0644, "/nonexistent/x"), -ENOENT,
		   "missing source file: -ENOENT");
	tap_has_str(ktstr_cpio_error(w), "/nonexistent/x", "message names the source");
	tap_eq_i64(ktstr_cpio_add_file(w, "/dir", 0644, "/"), -EINVAL, "directory as file source");
	tap_eq_i64(ktstr_cpio_finish(w, NULL), 0, "finish after refused calls");
	tap_eq_i64(ktstr_cpio_add_data(w, "/late", 0644, "", 0), -EALREADY,
		   "nothing after the trailer");
	ktstr_cpio_free(w);
	close(fd);
}

/* A second archive that assumes the first's paths (the cached-base case). */
static void test_assume(void)
{
	struct ktstr_cpio_writer *w;
	struct seen *s = calloc(1, sizeof(*s));
	char path[] = "/tmp/ktstr-cpio-assume.XXXXXX", err[256];
	unsigned char buf[4096];
	ssize_t n;
	size_t k;
	int fd = mkstemp(path);

	if (fd < 0 || !s || ktstr_cpio_open(&w, fd, -1, KTSTR_CPIO_RAW, err, sizeof(err))) {
		tap_skip("cannot create a temp file", "assume");
		return;
	}
	unlink(path);
	tap_eq_i64(ktstr_cpio_assume(w, "/tmp", S_IFDIR | 01777), 0, "assume /tmp 01777");
	tap_eq_i64(ktstr_cpio_assume(w, "/a/b/one", S_IFREG | 0600), 0, "assume /a/b/one (and parents)");
	tap_eq_i64(ktstr_cpio_assume(w, "/p", S_IFIFO | 0600), -EINVAL, "assume of a FIFO refused");
	tap_eq_i64(ktstr_cpio_add_data(w, "/tmp/run", 0644, "r", 1), 0, "add /tmp/run");
	tap_eq_i64(ktstr_cpio_add_data(w, "/a/b/new", 0644, "n", 1), 0, "add /a/b/new");
	tap_eq_i64(ktstr_cpio_add_data(w, "/a/b/one", 0644, "x", 1), -EEXIST,
		   "an assumed path is a duplicate");
	tap_eq_i64(ktstr_cpio_add_data(w, "/a/b/one/x", 0644, "x", 1), -ENOTDIR,
		   "below an assumed file: not a directory");
	tap_eq_i64(ktstr_cpio_finish(w, NULL), 0, "finish");
	ktstr_cpio_free(w);
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	tap_eq_i64(n > 0 ? ktstr_cpio_parse(buf, (size_t)n, collect, s, err, sizeof(err)) : -1, 0,
		   "second archive parses");
	tap_ok(s->n == 3 && !strcmp(s->e[0].name, "tmp/run") && !strcmp(s->e[1].name, "a/b/new"),
	       "assumed parents are not re-emitted (a re-emitted /tmp would reset its mode)");
	/* assumed: tmp(1) a(2) a/b(3) a/b/one(4) -> tmp/run is inode 5 */
	tap_ok(find_entry(s, "tmp/run", &k) && s->e[k].ino == 5,
	       "inode numbering continues after the assumed entries");
	free(s);
}

int main(void)
{
	char src[] = "/tmp/ktstr-cpio-src.XXXXXX", err[256];
	unsigned char *raw, *gz, *gz2, *inf, *loaded;
	size_t rlen, glen, glen2, ilen, llen, i;
	struct seen *s = calloc(1, sizeof(*s));
	int fd;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 3);
	fd = mkstemp(src);
	if (fd < 0 || write(fd, big, sizeof(big)) != (ssize_t)sizeof(big) || !s)
		tap_skip_all("cannot create a temp file");
	close(fd);

	raw = build(KTSTR_CPIO_RAW, src, &rlen);
	gz = build(0, src, &glen);
	gz2 = build(0, src, &glen2);
	unlink(src);
	if (!tap_ok(raw && gz && gz2, "archives built (raw and gzip twice)"))
		return tap_done();

	tap_eq_i64(ktstr_cpio_parse(raw, rlen, collect, s, err, sizeof(err)), 0,
		   "raw archive parses");
	check_entries(s);
	check_format(raw, rlen, s);

	tap_ok(glen == glen2 && !memcmp(gz, gz2, glen), "two builds are byte-identical (%zu B)",
	       glen);
	tap_ok(gz[0] == 0x1f && gz[1] == 0x8b && gz[2] == 8, "gzip magic, deflate");
	tap_ok(!gz[4] && !gz[5] && !gz[6] && !gz[7], "gzip header mtime 0");
	tap_eq_u64(gz[9], 3, "gzip header OS byte 3 (Unix)");
	tap_eq_u64(gz[3], 0, "gzip header flags 0 (no name, no extra)");
	inf = zinflate(gz, glen, &ilen);
	tap_ok(inf && ilen == rlen && !memcmp(inf, raw, rlen),
	       "zlib inflate of the gzip output == the raw archive");
	tap_ok(!ktstr_cpio_inflate(gz, glen, 0, (void **)&loaded, &llen, err, sizeof(err)) &&
	       llen == rlen && !memcmp(loaded, raw, rlen), "ktstr_cpio_inflate agrees");
	free(loaded);

	test_errors();
	test_assume();
	free(raw);
	free(gz);
	free(gz2);
	free(inf);
	free(s);
	return tap_done();
}
