// SPDX-License-Identifier: GPL-2.0-only
/*
 * output.c — ktstr-initramfs's atomic output and content-addressed cache.
 *
 * Every file we produce is written to a temporary name in the same
 * directory and renamed into place, so a reader (or a crash) never sees
 * half an archive, and a failed run leaves nothing at the target path.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "plan.h"

int ir_atomic_open(const char *final, char *tmp, size_t tmpsz, char *err, size_t errlen)
{
	const char *slash = strrchr(final, '/');
	const char *base = slash ? slash + 1 : final;
	int n, fd;

	if (!*base) {
		snprintf(err, errlen, "%s: output path names a directory", final);
		return -1;
	}
	/* dir/.base.tmp.XXXXXX: same filesystem as the target, hidden. */
	n = snprintf(tmp, tmpsz, "%.*s.%s.tmp.XXXXXX", slash ? (int)(slash - final + 1) : 0,
		     final, base);
	if (n < 0 || (size_t)n >= tmpsz) {
		snprintf(err, errlen, "%s: path too long", final);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", final,
			 strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0644)) {
		snprintf(err, errlen, "%s: fchmod: %s", tmp, strerror(errno));
		ir_atomic_abort(fd, tmp);
		return -1;
	}
	return fd;
}

void ir_atomic_abort(int fd, const char *tmp)
{
	if (fd >= 0)
		close(fd);
	unlink(tmp);
}

int ir_atomic_commit(int fd, const char *tmp, const char *final, char *err, size_t errlen)
{
	if (close(fd)) {
		snprintf(err, errlen, "%s: close: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, final)) {
		snprintf(err, errlen, "%s: rename to %s: %s", tmp, final, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Write the base member (run=false) or both members (run=true) to final. */
static int write_members(const char *final, const struct ir_plan *p, bool both, char *err,
			 size_t errlen)
{
	char tmp[PATH_MAX + 32];
	int fd = ir_atomic_open(final, tmp, sizeof(tmp), err, errlen);

	if (fd < 0)
		return -1;
	if (ir_plan_write(p, false, fd, err, errlen) ||
	    (both && ir_plan_write(p, true, fd, err, errlen))) {
		ir_atomic_abort(fd, tmp);
		return -1;
	}
	return ir_atomic_commit(fd, tmp, final, err, errlen);
}

int ir_write_plan(const char *final, const struct ir_plan *p, char *err, size_t errlen)
{
	return write_members(final, p, true, err, errlen);
}

static int write_all(int fd, const unsigned char *b, size_t n)
{
	while (n) {
		ssize_t r = write(fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* final = the cached base member at `base` + a fresh run member. */
static int write_from_base(const char *base, const struct ir_plan *p, const char *final,
			   char *err, size_t errlen)
{
	char tmp[PATH_MAX + 32];
	unsigned char *b;
	size_t len;
	int fd;

	if (ir_read_file(base, IR_FILE_MAX * 4, &b, &len, NULL, err, errlen))
		return -1;
	fd = ir_atomic_open(final, tmp, sizeof(tmp), err, errlen);
	if (fd < 0) {
		free(b);
		return -1;
	}
	if (write_all(fd, b, len)) {
		snprintf(err, errlen, "%s: write: %s", tmp, strerror(errno));
		free(b);
		ir_atomic_abort(fd, tmp);
		return -1;
	}
	free(b);
	if (ir_plan_write(p, true, fd, err, errlen)) {
		ir_atomic_abort(fd, tmp);
		return -1;
	}
	return ir_atomic_commit(fd, tmp, final, err, errlen);
}

/* mkdir -p, mode 0755 for what it creates. */
static int mkdir_p(const char *dir, char *err, size_t errlen)
{
	char p[PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(p)) {
		snprintf(err, errlen, "cache dir '%s': bad path", dir);
		return -1;
	}
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "cache dir %s: mkdir %s: %s", dir, p, strerror(errno));
			return -1;
		}
		p[i] = i == n ? '\0' : '/';
	}
	return 0;
}

int ir_cache_output(const char *dir, const struct ir_plan *p, const char *final, bool *hit,
		    char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s/%016" PRIx64 ".cpio.gz", dir, ir_plan_hash(p));
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, errlen, "cache dir '%s': path too long", dir);
		return -1;
	}
	if (mkdir_p(dir, err, errlen))
		return -1;
	*hit = !stat(path, &st) && S_ISREG(st.st_mode);
	if (!*hit && write_members(path, p, false, err, errlen))
		return -1;
	return write_from_base(path, p, final, err, errlen);
}
