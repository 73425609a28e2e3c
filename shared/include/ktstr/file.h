/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file.h — reading a whole (bounded) regular file.
 *
 * Scenario files, initramfs inputs, guest.frames and run files are all
 * read whole, with a size cap, and every failure should name the file and
 * the reason the same way.
 */
#ifndef KTSTR_FILE_H
#define KTSTR_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read the regular file at path, at most max bytes, into a new buffer
 * (*buf, free() it; NUL-terminated after *len bytes for text users).
 * mode (may be NULL) receives st_mode.  Returns 0, or a negative errno with
 * "PATH: reason" in err: open/stat errors as errno, -EINVAL "not a regular
 * file", -EFBIG "N bytes, more than MAX", -ENOMEM, -EIO "file shrank".
 */
int ktstr_file_read(const char *path, size_t max, void **buf, size_t *len, mode_t *mode,
		    char *err, size_t errlen);

#endif /* KTSTR_FILE_H */
