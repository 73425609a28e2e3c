/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rundir.h — the run directory, run ids, atomic file writes and the
 * list of shared-memory objects / files to remove when a run ends.
 *
 * Layout (architecture.md, same as tools/ktstr): the run directory is
 * <root>/<run-id>, root = $KTSTR_RUN_DIR if set, else
 * ${XDG_RUNTIME_DIR:-/tmp}/ktstr.  Both are mode 0700.  A run directory
 * is only used if it is a real directory (not a symlink) owned by us and
 * not group/world-writable; the default root gets the same check.
 */
#ifndef KTSTR_RUNDIR_H
#define KTSTR_RUNDIR_H

#include <limits.h>
#include <stddef.h>

#include <ktstr/log.h>	/* KTSTR_RUN_ID_MAX */

/* Message buffers for the functions below (path + reason). */
#define KTSTR_RUNDIR_ERR_MAX (PATH_MAX + 128)

/*
 * New run id "YYYYmmdd-HHMMSS-<pid>-<4 hex>" (local time, 2 random bytes
 * from getrandom).  Not unique by itself: ktstr_rundir_create retries on
 * a collision.  Returns 0 or -errno.
 */
int ktstr_run_id_new(char out[KTSTR_RUN_ID_MAX]);
/* A run id is 1..63 chars of [A-Za-z0-9._-], not "." or "..". */
int ktstr_run_id_valid(const char *id);

struct ktstr_rundir {
	char run_id[KTSTR_RUN_ID_MAX];
	char path[PATH_MAX];
	int  fd;		/* O_DIRECTORY, close-on-exec; -1 when closed */
};

/*
 * Create a fresh run directory with a new run id under the root (root
 * created 0700 if missing).  Returns 0, or -errno with a message naming
 * the path in err (if not NULL).
 */
int ktstr_rundir_create(struct ktstr_rundir *rd, char *err, size_t errlen);
/*
 * Open an existing run directory (e.g. --run-dir from the supervisor) and
 * check it is ours and private; run_id may be NULL (then the last path
 * component).  Returns 0 or -errno with a message in err.
 */
int ktstr_rundir_open(struct ktstr_rundir *rd, const char *path, const char *run_id,
		      char *err, size_t errlen);
void ktstr_rundir_close(struct ktstr_rundir *rd);

/* The root directory (no trailing '/') into out; 0 or -ENAMETOOLONG. */
int ktstr_rundir_root(char *out, size_t size);

/*
 * Write a file atomically: data goes to a hidden temporary in the same
 * directory (0600, O_EXCL), is fsync'ed, then renamed over name; the
 * directory is fsync'ed.  On any failure the temporary is removed and
 * an existing file of that name is untouched.  dirfd may be AT_FDCWD.
 * Returns 0 or -errno.
 */
int ktstr_write_atomic_at(int dirfd, const char *name, const void *data, size_t len);
/* Same for a path "dir/name" (or "name" in the current directory). */
int ktstr_write_atomic(const char *path, const void *data, size_t len);

/* Streaming form: begin, write(af.fd, ...), commit or abort. */
struct ktstr_atomic_file {
	int  fd;
	int  dirfd;
	char tmp[NAME_MAX + 1];
	char name[NAME_MAX + 1];
};
int ktstr_atomic_begin(struct ktstr_atomic_file *af, int dirfd, const char *name);
int ktstr_atomic_commit(struct ktstr_atomic_file *af);	/* fsync + rename; closes */
void ktstr_atomic_abort(struct ktstr_atomic_file *af);	/* unlink tmp; closes */

/*
 * Things to unlink when a run ends: POSIX shm names ("ktstr-<id>-ram",
 * stored as /dev/shm/<name>) and plain paths.  ktstr_cleanup_run only
 * calls unlink(2) on preallocated strings, so it may run from a signal
 * handler (while nothing is being added).
 */
struct ktstr_cleanup {
	char  **paths;
	size_t	n, cap;
};
int ktstr_cleanup_add_shm(struct ktstr_cleanup *c, const char *shm_name);
int ktstr_cleanup_add_path(struct ktstr_cleanup *c, const char *path);
/* Unlink everything, newest first; ENOENT is fine.  Returns the number
 * of other failures.  Entries stay (running twice is harmless). */
int ktstr_cleanup_run(const struct ktstr_cleanup *c);
void ktstr_cleanup_free(struct ktstr_cleanup *c);

#endif /* KTSTR_RUNDIR_H */
