/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output.h — atomic output files (temporary name + rename) and the
 * content-addressed archive cache of ktstr-initramfs.
 */
#ifndef KTSTR_INITRAMFS_OUTPUT_H
#define KTSTR_INITRAMFS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

struct ir_plan;

/* Create dir/.base.tmp.XXXXXX (mode 0644) for final; fd or -1 with a message. */
int ir_atomic_open(const char *final, char *tmp, size_t tmpsz, char *err, size_t errlen);
/* Close and rename tmp to final (unlinks tmp on failure).  0 or -1. */
int ir_atomic_commit(int fd, const char *tmp, const char *final, char *err, size_t errlen);
/* Close and unlink tmp. */
void ir_atomic_abort(int fd, const char *tmp);

/* Write the archive of p (base + run member) to final atomically.  0 or -1. */
int ir_write_plan(const char *final, const struct ir_plan *p, char *err, size_t errlen);
/*
 * Make final from the cache: dir/<16 hex FNV-1a of the base>.cpio.gz
 * holds the base member; it is built (atomically) if absent, then
 * copied to final followed by a fresh run member.  *hit tells which.
 */
int ir_cache_output(const char *dir, const struct ir_plan *p, const char *final, bool *hit,
		    char *err, size_t errlen);

#endif /* KTSTR_INITRAMFS_OUTPUT_H */
