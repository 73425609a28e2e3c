/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mounts.h — the file systems init mounts (ktstr §1.3 step 2).
 *
 * Early: /proc, /sys, /dev (devtmpfs) — needed to open COM2 and read the
 * command line.  Then: /sys/fs/cgroup (cgroup2), /sys/fs/bpf, tracefs,
 * debugfs, /tmp and /run (tmpfs).  Required mounts failing is fatal;
 * optional ones (bpf, tracing, debug) are reported and skipped.
 */
#ifndef KTSTR_GUEST_MOUNTS_H
#define KTSTR_GUEST_MOUNTS_H

#include <stddef.h>

/* Which group to mount. */
enum guest_mount_set { GUEST_MOUNTS_EARLY, GUEST_MOUNTS_REST };

/*
 * Mount a group.  Returns 0 when every required mount is there (already
 * mounted counts), else -1 with err naming the first failure.  Failed
 * optional mounts are listed in warn ("" if none).
 */
int guest_mount_all(enum guest_mount_set set, char *err, size_t errlen, char *warn,
		    size_t warnlen);

/* The initramfs completeness sentinel. */
#define GUEST_INIT_OK_PATH "/.ktstr_init_ok"

#endif /* KTSTR_GUEST_MOUNTS_H */
