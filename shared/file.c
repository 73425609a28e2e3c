// SPDX-License-Identifier: GPL-2.0-only
/*
 * file.c — read a whole bounded regular file (see file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/diag.h>
#include <ktstr/file.h>

static int read_all(int fd, char *b, size_t size, size_t *got)
{
	while (*got < size) {
		ssize_t r = read(fd, b + *got, size - *got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		*got += (size_t)r;
	}
	return 0;
}

int ktstr_file_read(const char *path, size_t max, void **buf, size_t *len, mode_t *mode,
		    char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	char *b;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return ktstr_errf(err, errlen, rc, "%s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode))
		rc = ktstr_errf(err, errlen, -EINVAL, "%s: not a regular file", path);
	else if ((unsigned long long)st.st_size > max)
		rc = ktstr_errf(err, errlen, -EFBIG, "%s: %lld bytes, more than %zu", path,
				(long long)st.st_size, max);
	else if (!(b = malloc((size_t)st.st_size + 1)))
		rc = ktstr_errf(err, errlen, -ENOMEM, "%s: out of memory", path);
	else if ((rc = read_all(fd, b, (size_t)st.st_size, &got)) < 0) {
		free(b);
		rc = ktstr_errf(err, errlen, rc, "%s: read: %s", path,
				rc == -EIO ? "file shrank while reading" : strerror(-rc));
	} else {
		b[got] = '\0';
		*buf = b;
		*len = got;
		if (mode)
			*mode = st.st_mode;
	}
	close(fd);
	return rc;
}
