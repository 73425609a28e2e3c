// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpio.c — the cpio "newc" writer (see ktstr/cpio.h): entries in the
 * caller's order, parents first, fixed metadata, through a gzip stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ktstr/cpio.h"
#include "ktstr/path.h"

#define CPIO_OBUF_SIZE (64u << 10)
#define CPIO_GZ_OS_UNIX 3

/* Paths already in the archive, with their full mode (type + perms). */
struct cpio_path {
	char *name;
	uint32_t mode;
};

struct cpio_pathset {
	struct cpio_path *slots;
	size_t cap, used;
};

struct ktstr_cpio_writer {
	int fd;
	bool raw;
	bool zinit;
	int failed;		/* sticky: first error, negative errno */
	z_stream zs;
	gz_header gzh;
	uint64_t pos;		/* uncompressed bytes produced */
	uint64_t out_bytes;	/* bytes written to fd */
	uint32_t next_ino;
	struct cpio_pathset seen;
	char err[512];
	unsigned char obuf[CPIO_OBUF_SIZE];
};

static int cpio_fail(struct ktstr_cpio_writer *w, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cpio_fail(struct ktstr_cpio_writer *w, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	return rc;
}

/* A failure that leaves the stream in an unknown state ends the archive. */
static int cpio_fatal(struct ktstr_cpio_writer *w, int rc)
{
	w->failed = rc;
	return rc;
}

/* Calls after a fatal error or after finish: keep the first message. */
static int cpio_failed(struct ktstr_cpio_writer *w)
{
	if (w->failed == -EALREADY)
		cpio_fail(w, -EALREADY, "cpio: archive already finished");
	return w->failed;
}

/* ---- path set (open addressing, FNV-1a) ---- */

static uint64_t cpio_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct cpio_path *pathset_find(struct cpio_pathset *ps, const char *name)
{
	size_t i;

	if (!ps->cap)
		return NULL;
	for (i = cpio_hash(name) & (ps->cap - 1);; i = (i + 1) & (ps->cap - 1)) {
		if (!ps->slots[i].name)
			return NULL;
		if (!strcmp(ps->slots[i].name, name))
			return &ps->slots[i];
	}
}

static int pathset_grow(struct cpio_pathset *ps)
{
	size_t ncap = ps->cap ? ps->cap * 2 : 64, i, j;
	struct cpio_path *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; i < ps->cap; i++) {
		if (!ps->slots[i].name)
			continue;
		for (j = cpio_hash(ps->slots[i].name) & (ncap - 1); ns[j].name; j = (j + 1) & (ncap - 1))
			;
		ns[j] = ps->slots[i];
	}
	free(ps->slots);
	ps->slots = ns;
	ps->cap = ncap;
	return 0;
}

static int pathset_add(struct cpio_pathset *ps, const char *name, uint32_t mode)
{
	size_t i;
	char *dup;

	if ((ps->used + 1) * 2 > ps->cap && pathset_grow(ps))
		return -ENOMEM;
	dup = strdup(name);
	if (!dup)
		return -ENOMEM;
	for (i = cpio_hash(name) & (ps->cap - 1); ps->slots[i].name; i = (i + 1) & (ps->cap - 1))
		;
	ps->slots[i].name = dup;
	ps->slots[i].mode = mode;
	ps->used++;
	return 0;
}

static void pathset_free(struct cpio_pathset *ps)
{
	size_t i;

	for (i = 0; i < ps->cap; i++)
		free(ps->slots[i].name);
	free(ps->slots);
	ps->slots = NULL;
	ps->cap = ps->used = 0;
}

/* ---- output ---- */

static int cpio_write_fd(struct ktstr_cpio_writer *w, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n) {
		ssize_t r = write(w->fd, c, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			cpio_fail(w, -e, "cpio: write: %s", strerror(e));
			return cpio_fatal(w, -e);
		}
		c += r;
		n -= (size_t)r;
		w->out_bytes += (uint64_t)r;
	}
	return 0;
}

/* Run deflate with `flush` until it needs input (or finishes). */
static int cpio_deflate(struct ktstr_cpio_writer *w, int flush)
{
	for (;;) {
		int zr;
		size_t have;

		w->zs.next_out = w->obuf;
		w->zs.avail_out = sizeof(w->obuf);
		zr = deflate(&w->zs, flush);
		if (zr == Z_STREAM_ERROR) {
			cpio_fail(w, -EIO, "cpio: deflate failed");
			return cpio_fatal(w, -EIO);
		}
		have = sizeof(w->obuf) - w->zs.avail_out;
		if (have && cpio_write_fd(w, w->obuf, have))
			return w->failed;
		if (flush == Z_FINISH ? zr == Z_STREAM_END : w->zs.avail_out != 0)
			return 0;
	}
}

static int cpio_emit(struct ktstr_cpio_writer *w, const void *p, size_t n)
{
	if (w->failed)
		return w->failed;
	w->pos += n;
	if (w->raw)
		return cpio_write_fd(w, p, n);
	while (n) {
		/* avail_in is a uInt: feed large buffers in slices */
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
		int rc;

		w->zs.next_in = (Bytef *)(uintptr_t)p;
		w->zs.avail_in = chunk;
		rc = cpio_deflate(w, Z_NO_FLUSH);
		if (rc)
			return rc;
		p = (const unsigned char *)p + chunk;
		n -= chunk;
	}
	return 0;
}

static int cpio_pad4(struct ktstr_cpio_writer *w)
{
	static const unsigned char zeros[4];
	size_t pad = (4 - (w->pos & 3)) & 3;

	return pad ? cpio_emit(w, zeros, pad) : 0;
}

/* Header + name + padding to 4.  `name` is already normalised. */
static int cpio_header(struct ktstr_cpio_writer *w, const char *name, uint32_t ino,
		       uint32_t mode, uint32_t nlink, uint32_t size, uint32_t rmaj, uint32_t rmin)
{
	char hdr[KTSTR_CPIO_HDR_SIZE + 1];
	size_t nsize = strlen(name) + 1;
	int rc;

	/* magic ino mode uid gid nlink mtime size devmaj devmin rdevmaj rdevmin namesize check */
	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 KTSTR_CPIO_MAGIC, ino, mode, 0u, 0u, nlink, 0u, size, 0u, 0u, rmaj, rmin,
		 (unsigned int)nsize, 0u);
	rc = cpio_emit(w, hdr, KTSTR_CPIO_HDR_SIZE);
	if (!rc)
		rc = cpio_emit(w, name, nsize);
	if (!rc)
		rc = cpio_pad4(w);
	return rc;
}

/*
 * Normalise `path` into out: no leading '/', no empty or "." components.
 * Returns the length (0 = the root) or -EINVAL for "..", or too long.
 */
static int cpio_normalize(const char *path, char *out, size_t outsz)
{
	size_t o = 0, n;
	const char *p = path, *c;

	while ((n = ktstr_path_next(&p, &c))) {
		if (ktstr_path_is_dotdot(c, n))
			return -EINVAL;
		if (o + !!o + n + 1 > outsz)
			return -EINVAL;
		if (o)
			out[o++] = '/';
		memcpy(out + o, c, n);
		o += n;
	}
	out[o] = '\0';
	return (int)o;
}

/* Emit (or with !emit, only record) every missing parent of `name` as a 0755 directory. */
static int cpio_parents(struct ktstr_cpio_writer *w, char *name, bool emit)
{
	char *s;
	int rc;

	for (s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
		struct cpio_path *pp;

		*s = '\0';
		pp = pathset_find(&w->seen, name);
		if (pp && !S_ISDIR(pp->mode)) {
			rc = cpio_fail(w, -ENOTDIR, "cpio: /%s: parent is not a directory", name);
			*s = '/';
			return rc;
		}
		rc = 0;
		if (!pp) {
			rc = pathset_add(&w->seen, name, S_IFDIR | 0755);
			if (rc)
				cpio_fail(w, rc, "cpio: out of memory");
			else if (emit)
				rc = cpio_header(w, name, w->next_ino, S_IFDIR | 0755, 2, 0, 0, 0);
			w->next_ino++;
		}
		*s = '/';
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Common start of every entry: validate, normalise into name, refuse
 * duplicates, emit parents, record.  Returns 1 for "already there, same
 * directory" (a no-op), 0 to go on, or a negative errno.
 */
static int cpio_begin_(struct ktstr_cpio_writer *w, const char *path, uint32_t type,
		       mode_t perm, char *name, size_t namesz, bool emit)
{
	uint32_t mode = type | (uint32_t)perm;
	struct cpio_path *pp;
	int n, rc;

	if (w->failed)
		return cpio_failed(w);
	if (perm & ~(mode_t)07777)
		return cpio_fail(w, -EINVAL, "cpio: %s: mode %o has bits beyond 07777", path,
				 (unsigned int)perm);
	n = cpio_normalize(path, name, namesz);
	if (n < 0)
		return cpio_fail(w, -EINVAL, "cpio: %s: bad path (\"..\" or longer than %u)",
				 path, KTSTR_CPIO_NAME_MAX - 1);
	if (n == 0) {
		if (S_ISDIR(mode))
			return 1;	/* the root exists already */
		return cpio_fail(w, -EINVAL, "cpio: %s: path is the root", path);
	}
	if (!strcmp(name, KTSTR_CPIO_TRAILER))
		return cpio_fail(w, -EINVAL, "cpio: %s: reserved name", path);
	pp = pathset_find(&w->seen, name);
	if (pp) {
		if (S_ISDIR(mode) && pp->mode == mode)
			return 1;
		return cpio_fail(w, -EEXIST, "cpio: /%s: already in the archive (mode %o)", name,
				 pp->mode);
	}
	rc = cpio_parents(w, name, emit);
	if (rc)
		return rc;
	if (pathset_add(&w->seen, name, mode))
		return cpio_fail(w, -ENOMEM, "cpio: out of memory");
	return 0;
}

static int cpio_begin(struct ktstr_cpio_writer *w, const char *path, uint32_t type,
		      mode_t perm, char *name, size_t namesz)
{
	return cpio_begin_(w, path, type, perm, name, namesz, true);
}

int ktstr_cpio_assume(struct ktstr_cpio_writer *w, const char *path, mode_t mode)
{
	char name[KTSTR_CPIO_NAME_MAX];
	uint32_t type = (uint32_t)mode & S_IFMT;
	int rc;

	if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK && type != S_IFCHR)
		return cpio_fail(w, -EINVAL, "cpio: %s: assumed entry of unsupported type %o",
				 path, type);
	rc = cpio_begin_(w, path, type, mode & 07777, name, sizeof(name), false);
	if (rc)
		return rc < 0 ? rc : 0;
	w->next_ino++;	/* numbering continues as if the entry were in this stream */
	return 0;
}

int ktstr_cpio_open(struct ktstr_cpio_writer **wp, int fd, int level, unsigned int flags,
		    char *err, size_t errlen)
{
	struct ktstr_cpio_writer *w;

	*wp = NULL;
	if (level < -1 || level > 9) {
		snprintf(err, errlen, "cpio: compression level %d not in 0..9", level);
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "cpio: out of memory");
		return -ENOMEM;
	}
	w->fd = fd;
	w->raw = flags & KTSTR_CPIO_RAW;
	w->next_ino = 1;
	if (!w->raw) {
		/* 15 + 16: 32 KiB window with a gzip wrapper, the kernel's gunzip reads it */
		if (deflateInit2(&w->zs, level < 0 ? 6 : level, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			snprintf(err, errlen, "cpio: deflateInit2 failed");
			free(w);
			return -ENOMEM;
		}
		w->zinit = true;
		/* Deterministic gzip header: no name, mtime 0, OS "Unix". */
		w->gzh.time = 0;
		w->gzh.os = CPIO_GZ_OS_UNIX;
		if (deflateSetHeader(&w->zs, &w->gzh) != Z_OK) {
			snprintf(err, errlen, "cpio: deflateSetHeader failed");
			ktstr_cpio_free(w);
			return -EINVAL;
		}
	}
	*wp = w;
	return 0;
}

int ktstr_cpio_add_dir(struct ktstr_cpio_writer *w, const char *path, mode_t mode)
{
	char name[KTSTR_CPIO_NAME_MAX];
	int rc = cpio_begin(w, path, S_IFDIR, mode, name, sizeof(name));

	if (rc)
		return rc < 0 ? rc : 0;
	rc = cpio_header(w, name, w->next_ino++, S_IFDIR | (uint32_t)mode, 2, 0, 0, 0);
	return rc;
}

int ktstr_cpio_add_data(struct ktstr_cpio_writer *w, const char *path, mode_t mode,
			const void *data, size_t len)
{
	char name[KTSTR_CPIO_NAME_MAX];
	int rc;

	if (len > KTSTR_CPIO_FILE_MAX)
		return cpio_fail(w, -EFBIG, "cpio: %s: %zu bytes, newc holds at most %u", path,
				 len, KTSTR_CPIO_FILE_MAX);
	rc = cpio_begin(w, path, S_IFREG, mode, name, sizeof(name));
	if (rc > 0)
		rc = cpio_fail(w, -EINVAL, "cpio: %s: path is the root", path);
	if (rc)
		return rc;
	rc = cpio_header(w, name, w->next_ino++, S_IFREG | (uint32_t)mode, 1, (uint32_t)len, 0, 0);
	if (!rc && len)
		rc = cpio_emit(w, data, len);
	if (!rc)
		rc = cpio_pad4(w);
	return rc;
}

/* Copy exactly `size` bytes of fd into the archive; the file must not change size. */
static int cpio_copy_fd(struct ktstr_cpio_writer *w, int fd, const char *src, uint64_t size)
{
	unsigned char buf[64u << 10];
	uint64_t left = size;
	ssize_t r;

	while (left) {
		r = read(fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cpio_fail(w, -errno, "cpio: %s: read: %s", src, strerror(errno));
			return cpio_fatal(w, -EIO);
		}
		if (r == 0) {
			cpio_fail(w, -EIO, "cpio: %s: file shrank while being archived", src);
			return cpio_fatal(w, -EIO);
		}
		if (cpio_emit(w, buf, (size_t)r))
			return w->failed;
		left -= (uint64_t)r;
	}
	do
		r = read(fd, buf, 1);
	while (r < 0 && errno == EINTR);
	if (r != 0) {
		cpio_fail(w, -EIO, "cpio: %s: file grew while being archived", src);
		return cpio_fatal(w, -EIO);
	}
	return 0;
}

int ktstr_cpio_add_file(struct ktstr_cpio_writer *w, const char *path, mode_t mode,
			const char *src)
{
	char name[KTSTR_CPIO_NAME_MAX];
	struct stat st;
	int fd, rc;

	if (w->failed)
		return cpio_failed(w);
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cpio_fail(w, -errno, "cpio: %s: %s", src, strerror(errno));
	if (fstat(fd, &st)) {
		rc = cpio_fail(w, -errno, "cpio: %s: %s", src, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = cpio_fail(w, -EINVAL, "cpio: %s: not a regular file", src);
		goto out;
	}
	if ((uint64_t)st.st_size > KTSTR_CPIO_FILE_MAX) {
		rc = cpio_fail(w, -EFBIG, "cpio: %s: %lld bytes, newc holds at most %u", src,
			       (long long)st.st_size, KTSTR_CPIO_FILE_MAX);
		goto out;
	}
	rc = cpio_begin(w, path, S_IFREG, mode, name, sizeof(name));
	if (rc > 0)
		rc = cpio_fail(w, -EINVAL, "cpio: %s: path is the root", path);
	if (rc)
		goto out;
	rc = cpio_header(w, name, w->next_ino++, S_IFREG | (uint32_t)mode, 1,
			 (uint32_t)st.st_size, 0, 0);
	if (!rc)
		rc = cpio_copy_fd(w, fd, src, (uint64_t)st.st_size);
	if (!rc)
		rc = cpio_pad4(w);
out:
	close(fd);
	return rc;
}

int ktstr_cpio_add_symlink(struct ktstr_cpio_writer *w, const char *path, const char *target)
{
	char name[KTSTR_CPIO_NAME_MAX];
	size_t len = strlen(target);
	int rc;

	if (!len || len >= KTSTR_CPIO_NAME_MAX)
		return cpio_fail(w, -EINVAL, "cpio: %s: symlink target must be 1..%u bytes", path,
				 KTSTR_CPIO_NAME_MAX - 1);
	rc = cpio_begin(w, path, S_IFLNK, 0777, name, sizeof(name));
	if (rc > 0)
		rc = cpio_fail(w, -EINVAL, "cpio: %s: path is the root", path);
	if (rc)
		return rc;
	rc = cpio_header(w, name, w->next_ino++, S_IFLNK | 0777, 1, (uint32_t)len, 0, 0);
	if (!rc)
		rc = cpio_emit(w, target, len);
	if (!rc)
		rc = cpio_pad4(w);
	return rc;
}

int ktstr_cpio_add_chardev(struct ktstr_cpio_writer *w, const char *path, mode_t mode,
			   unsigned int major, unsigned int minor)
{
	char name[KTSTR_CPIO_NAME_MAX];
	int rc = cpio_begin(w, path, S_IFCHR, mode, name, sizeof(name));

	if (rc > 0)
		rc = cpio_fail(w, -EINVAL, "cpio: %s: path is the root", path);
	if (rc)
		return rc;
	return cpio_header(w, name, w->next_ino++, S_IFCHR | (uint32_t)mode, 1, 0, major, minor);
}

int ktstr_cpio_finish(struct ktstr_cpio_writer *w, uint64_t *bytes)
{
	int rc;

	if (w->failed)
		return cpio_failed(w);
	/* The kernel's gen_init_cpio writes the trailer with ino 0 and nlink 1. */
	rc = cpio_header(w, KTSTR_CPIO_TRAILER, 0, 0, 1, 0, 0, 0);
	if (rc)
		return rc;
	if (!w->raw) {
		w->zs.next_in = NULL;
		w->zs.avail_in = 0;
		rc = cpio_deflate(w, Z_FINISH);
		if (rc)
			return rc;
	}
	if (bytes)
		*bytes = w->out_bytes;
	w->failed = -EALREADY;	/* nothing may follow the trailer */
	return 0;
}

void ktstr_cpio_free(struct ktstr_cpio_writer *w)
{
	if (!w)
		return;
	if (w->zinit)
		deflateEnd(&w->zs);
	pathset_free(&w->seen);
	free(w);
}

const char *ktstr_cpio_error(const struct ktstr_cpio_writer *w)
{
	return w->err;
}
