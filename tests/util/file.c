// SPDX-License-Identifier: GPL-2.0-only
/* ktstr_file_read: whole bounded regular files, errors that name the file. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ktstr/file.h>

#include "../tap.h"

int main(void)
{
	char dir[] = "/tmp/ktstr-file-test.XXXXXX", path[128], err[256];
	size_t len;
	mode_t mode;
	void *buf;
	FILE *f;

	tap_plan(10);
	tap_ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/a", dir);
	f = fopen(path, "w");
	fputs("hello", f);
	fclose(f);
	chmod(path, 0640);
	tap_eq_i64(ktstr_file_read(path, 5, &buf, &len, &mode, err, sizeof(err)), 0,
		   "a file of exactly max bytes is read");
	tap_ok(len == 5 && !memcmp(buf, "hello", 6), "contents, NUL-terminated after len");
	tap_eq_u64(mode & 07777, 0640, "mode reported");
	free(buf);
	tap_eq_i64(ktstr_file_read(path, 4, &buf, &len, NULL, err, sizeof(err)), -EFBIG,
		   "one byte over max: -EFBIG");
	tap_has_str(err, "5 bytes, more than 4", "... saying how big");
	tap_ok(buf == NULL && len == 0, "... and nothing returned");
	tap_eq_i64(ktstr_file_read(dir, 100, &buf, &len, NULL, err, sizeof(err)), -EINVAL,
		   "a directory: -EINVAL");
	tap_has_str(err, ": not a regular file", "... named as such");
	unlink(path);
	tap_eq_i64(ktstr_file_read(path, 100, &buf, &len, NULL, NULL, 0), -ENOENT,
		   "missing file: -ENOENT (err may be NULL)");
	rmdir(dir);
	return tap_done();
}
