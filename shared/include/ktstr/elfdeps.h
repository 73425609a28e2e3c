/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * elfdeps.h — the shared-library closure of ELF executables.
 *
 * What a dynamically linked program needs in a guest with no
 * /etc/ld.so.cache: its ELF interpreter (PT_INTERP) and every library
 * reached through DT_NEEDED, recursively, found the way ld.so would
 * find it, each at the same absolute path on host and guest.  Symlinks
 * on the way (e.g. /lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-
 * gnu/ld-linux-x86-64.so.2, libelf.so.1 -> libelf-0.188.so) are entries
 * of their own, followed by what they point to, so the guest resolves
 * the same names to the same files.
 *
 * Search order for a DT_NEEDED name without '/' (ld.so's, reduced):
 *   1. DT_RPATH of the needing object, then of the executable — only
 *      when the needing object (resp. the executable) has no DT_RUNPATH;
 *   2. LD_LIBRARY_PATH is ignored (the guest does not set it);
 *   3. DT_RUNPATH of the needing object;
 *   4. /etc/ld.so.cache is not read; instead the default directories:
 *      /lib/<triplet> /usr/lib/<triplet> [/lib64 /usr/lib64] /lib /usr/lib
 *      (<triplet> from e_machine, e.g. x86_64-linux-gnu; lib64 for
 *      64-bit objects), or the caller's list (struct ktstr_elfdeps.dirs).
 * $ORIGIN / ${ORIGIN} in RPATH/RUNPATH expand to the object's directory;
 * entries with other dynamic string tokens ($LIB, $PLATFORM) or empty
 * entries are skipped.  A candidate of another ELF class, byte order or
 * machine is skipped (as ld.so does).  A name already resolved (by its
 * DT_NEEDED string or a loaded object's DT_SONAME) is not searched again.
 *
 * Objects are walked breadth-first, like ld.so loads them, so entries
 * come out in a deterministic order for a given filesystem.
 */
#ifndef KTSTR_ELFDEPS_H
#define KTSTR_ELFDEPS_H

#include <stdbool.h>
#include <stddef.h>

struct ktstr_elfdep {
	char *path;	/* absolute, lexically normalised, host path == guest path */
	char *target;	/* symlink: the link text as on the host; NULL: regular file */
	char *why;	/* what pulled it in, e.g. "libc.so.6 (needed by /usr/sbin/bpftool)" */
};

struct ktstr_elfdeps {
	struct ktstr_elfdep *v;	/* files and symlinks, each path once */
	size_t n, cap;
	/* Optional, set before adding: NULL-terminated default dirs. */
	const char *const *dirs;
};

/*
 * Add the closure of executable `exe` (the executable itself is NOT an
 * entry; the caller places it).  A static executable adds nothing.
 * Several executables may be added to one set; paths are de-duplicated.
 * Each executable's closure is resolved on its own (names loaded for
 * one executable do not satisfy another's DT_NEEDED).
 * Zero-initialise the struct (optionally set .dirs) before the first add.
 * Errors (-ENOENT / -EINVAL / -ENOMEM) name the input, e.g.
 *   "/x/scx_simple: needs libfoo.so.1, not found in /lib/x86_64-linux-gnu:..."
 *   "/etc/passwd: not an ELF file"
 */
int ktstr_elfdeps_add(struct ktstr_elfdeps *d, const char *exe, char *err, size_t errlen);

/* 1 if exe is an ELF file with no PT_INTERP and no DT_NEEDED, 0 if dynamic, <0 error. */
int ktstr_elfdeps_is_static(const char *exe, char *err, size_t errlen);

/* Index of the entry with this path, or -1. */
long ktstr_elfdeps_find(const struct ktstr_elfdeps *d, const char *path);

void ktstr_elfdeps_free(struct ktstr_elfdeps *d);

#endif /* KTSTR_ELFDEPS_H */
