/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroup.h — the cgroup v2 hierarchy a scenario runs in: a managed parent
 * /sys/fs/cgroup/ktstr with the cpuset and cpu controllers enabled for
 * its children, and one leaf per scenario cgroup (ktstr/<name>).  The
 * scheduler and init itself stay in the root cgroup.
 */
#ifndef KTSTR_GUEST_CGROUP_H
#define KTSTR_GUEST_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include <ktstr/cpuset.h>

#define GUEST_CG_MOUNT "/sys/fs/cgroup"
#define GUEST_CG_ROOT  GUEST_CG_MOUNT "/ktstr"

/*
 * Create root (its parent must be the cgroup2 mount) and enable +cpuset
 * +cpu for the parent's and root's children.  0, or -1 with err.  A
 * controller the kernel lacks is named in warn, not an error (a scenario
 * that sets a cpuset fails later, naming the write that failed).
 */
int guest_cg_setup(const char *root, char *err, size_t errlen, char *warn, size_t warnlen);

/* Create / remove the leaf root/name.  Remove retries while it is busy
 * (tasks still exiting), up to 1 s.  0, or -1 with err. */
int guest_cg_create(const char *root, const char *name, char *err, size_t errlen);
int guest_cg_remove(const char *root, const char *name, char *err, size_t errlen);

/* Write cpuset.cpus: the mask, or NULL to clear it (inherit the parent's). */
int guest_cg_set_cpus(const char *root, const char *name, const struct ktstr_cpumask *m,
		      char *err, size_t errlen);

/* root/name/cgroup.procs into buf. */
void guest_cg_procs_path(const char *root, const char *name, char *buf, size_t len);

/* Move pid into root/name.  0, or -1 with err. */
int guest_cg_move(const char *root, const char *name, pid_t pid, char *err, size_t errlen);

#endif /* KTSTR_GUEST_CGROUP_H */
