/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpio.h — cpio "newc" archives, the Linux initramfs format.
 *
 * Writer: streams entries into a gzip member (zlib, deflateInit2 with a
 * gzip wrapper whose header has mtime 0 and OS byte 3) or, with
 * KTSTR_CPIO_RAW, into an uncompressed stream.  Every entry has mtime 0,
 * uid/gid 0, inode numbers 1, 2, 3... in emission order and the mode the
 * caller gives.  Entries are written in the CALLER'S order (never
 * sorted): the caller decides what comes last (ktstr puts
 * /.ktstr_init_ok last so its presence proves the extraction finished).
 * Missing parent directories are emitted, mode 0755, right before the
 * first entry below them, once.  Same calls with the same inputs give
 * byte-identical output.
 *
 * Paths are absolute or relative to the archive root ("/init" == "init");
 * they are stored without the leading '/', "." components and repeated
 * slashes removed; ".." is refused.  Adding a path twice is an error,
 * except a directory re-added with the mode it already has (a no-op).
 *
 * Reader: ktstr_cpio_parse() walks an uncompressed archive buffer with
 * the kernel's rules (init/initramfs.c): magic 070701 or 070702, 13 hex
 * fields of 8 digits, name size counts the NUL, header+name padded to 4,
 * data padded to 4, TRAILER!!! ends an archive, NUL bytes pad between
 * concatenated archives.  It is stricter than the kernel where the
 * kernel is lenient about corruption (non-hex digits, a NUL inside the
 * name), never reads outside the buffer, and names the offset and the
 * problem on error.  ktstr_cpio_load() reads a file and inflates it if
 * it is gzip (concatenated members included).
 *
 * Library functions return 0 or a negative errno and put a message that
 * names the input in the caller's error buffer; they never exit.
 */
#ifndef KTSTR_CPIO_H
#define KTSTR_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KTSTR_CPIO_MAGIC	"070701"
#define KTSTR_CPIO_MAGIC_CRC	"070702"	/* reader only: data checksum present */
#define KTSTR_CPIO_HDR_SIZE	110u		/* 6 magic + 13 * 8 hex digits */
#define KTSTR_CPIO_TRAILER	"TRAILER!!!"
#define KTSTR_CPIO_NAME_MAX	4096u		/* kernel's PATH_MAX, NUL included */
#define KTSTR_CPIO_FILE_MAX	0xffffffffu	/* 8 hex digits */

/* ---- writer ---- */

#define KTSTR_CPIO_RAW		(1u << 0)	/* no gzip wrapper */

struct ktstr_cpio_writer;

/*
 * Start an archive written to fd (not closed by the writer).  level is
 * the zlib level 0..9 (ignored with KTSTR_CPIO_RAW); -1 means 6.
 */
int ktstr_cpio_open(struct ktstr_cpio_writer **wp, int fd, int level, unsigned int flags,
		    char *err, size_t errlen);

/* mode: permission bits only (07777); the file type comes from the call. */
int ktstr_cpio_add_dir(struct ktstr_cpio_writer *w, const char *path, mode_t mode);
int ktstr_cpio_add_data(struct ktstr_cpio_writer *w, const char *path, mode_t mode,
			const void *data, size_t len);
/* Streams the file at src (following symlinks); fails if its size changes. */
int ktstr_cpio_add_file(struct ktstr_cpio_writer *w, const char *path, mode_t mode,
			const char *src);
int ktstr_cpio_add_symlink(struct ktstr_cpio_writer *w, const char *path, const char *target);
/* Character device node (e.g. /dev/console 5:1). */
int ktstr_cpio_add_chardev(struct ktstr_cpio_writer *w, const char *path, mode_t mode,
			   unsigned int major, unsigned int minor);

/*
 * Record that `path` (mode: file type + permission bits) already exists
 * in an archive unpacked before this one (e.g. a cached base archive
 * this one is appended to), without writing it: parents are then not
 * re-emitted (which would reset their mode), a duplicate is refused, and
 * inode numbering continues as in one archive.  Assume the earlier
 * archive's entries in its order, before adding anything.
 */
int ktstr_cpio_assume(struct ktstr_cpio_writer *w, const char *path, mode_t mode);

/* Write the trailer and flush.  *bytes (if non-NULL): bytes written to fd. */
int ktstr_cpio_finish(struct ktstr_cpio_writer *w, uint64_t *bytes);
/* Free the writer (after finish, or to abandon a failed archive). */
void ktstr_cpio_free(struct ktstr_cpio_writer *w);
/* The message of the last failed call. */
const char *ktstr_cpio_error(const struct ktstr_cpio_writer *w);

/* ---- reader ---- */

struct ktstr_cpio_entry {
	const char *name;	/* NUL-terminated, inside the parsed buffer */
	const void *data;	/* body (file contents, symlink target without NUL) */
	uint32_t size;		/* body bytes */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, check;
	uint64_t offset;	/* header offset in the buffer (multiple of 4) */
	uint32_t namesize;	/* as stored: strlen(name) + 1 */
	bool crc;		/* magic 070702 */
	bool trailer;		/* TRAILER!!! (reported too) */
};

/* Return non-zero to stop the walk; parse then returns that value. */
typedef int (*ktstr_cpio_visit_fn)(const struct ktstr_cpio_entry *e, void *ctx);

/*
 * Walk every entry of the uncompressed archive(s) in buf.  Returns 0
 * when the buffer ends right after a trailer (and NUL padding), the
 * visitor's non-zero value, or -EINVAL with a message naming the offset.
 */
int ktstr_cpio_parse(const void *buf, size_t len, ktstr_cpio_visit_fn visit, void *ctx,
		     char *err, size_t errlen);

/*
 * Read path; inflate it if it starts with the gzip magic (all
 * concatenated members, NUL padding between them allowed).  Output is
 * capped at max bytes (0: 1 GiB).  *out is malloc'd; free() it.
 */
int ktstr_cpio_load(const char *path, size_t max, void **out, size_t *outlen,
		    char *err, size_t errlen);

/* The same for a buffer already in memory. */
int ktstr_cpio_inflate(const void *buf, size_t len, size_t max, void **out, size_t *outlen,
		       char *err, size_t errlen);

#endif /* KTSTR_CPIO_H */
