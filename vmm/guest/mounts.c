// SPDX-License-Identifier: GPL-2.0-only
/*
 * mounts.c — mount the pseudo file systems (mounts.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "guest.h"
#include "mounts.h"

struct guest_mount {
	const char *source, *target, *fstype, *data;
	unsigned long flags;
	bool required;
};

#define NOSUID_NODEV_EXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static const struct guest_mount early_mounts[] = {
	{ "proc", "/proc", "proc", NULL, NOSUID_NODEV_EXEC, true },
	{ "sysfs", "/sys", "sysfs", NULL, NOSUID_NODEV_EXEC, true },
	{ "devtmpfs", "/dev", "devtmpfs", "mode=0755", MS_NOSUID, true },
};

static const struct guest_mount rest_mounts[] = {
	{ "cgroup2", "/sys/fs/cgroup", "cgroup2", NULL, NOSUID_NODEV_EXEC, true },
	{ "tmpfs", "/tmp", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV, true },
	{ "tmpfs", "/run", "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV, true },
	{ "bpf", "/sys/fs/bpf", "bpf", "mode=0700", MS_NOSUID | MS_NODEV | MS_NOEXEC, false },
	{ "tracefs", "/sys/kernel/tracing", "tracefs", NULL, NOSUID_NODEV_EXEC, false },
	{ "debugfs", "/sys/kernel/debug", "debugfs", NULL, NOSUID_NODEV_EXEC, false },
};

static int mount_one(const struct guest_mount *m)
{
	int rc = guest_mkdir_p(m->target);

	if (rc && rc != -EEXIST)
		return rc;
	if (mount(m->source, m->target, m->fstype, m->flags, m->data) == 0 || errno == EBUSY)
		return 0;
	return -errno;
}

int guest_mount_all(enum guest_mount_set set, char *err, size_t errlen, char *warn,
		    size_t warnlen)
{
	const struct guest_mount *tab = set == GUEST_MOUNTS_EARLY ? early_mounts : rest_mounts;
	size_t i, n = set == GUEST_MOUNTS_EARLY ? sizeof(early_mounts) / sizeof(early_mounts[0])
						: sizeof(rest_mounts) / sizeof(rest_mounts[0]);
	size_t wused = 0;
	int first_rc = 0;

	if (warnlen)
		warn[0] = '\0';
	for (i = 0; i < n; i++) {
		int rc = mount_one(&tab[i]);

		if (!rc)
			continue;
		if (tab[i].required) {
			if (!first_rc)
				snprintf(err, errlen, "mount %s on %s: %s", tab[i].fstype,
					 tab[i].target, strerror(-rc));
			first_rc = -1;
		} else if (wused + 1 < warnlen) {
			int k = snprintf(warn + wused, warnlen - wused, "%s%s on %s: %s",
					 wused ? "; " : "", tab[i].fstype, tab[i].target,
					 strerror(-rc));

			wused += k > 0 ? (size_t)k : 0;
			if (wused >= warnlen)
				wused = warnlen - 1;
		}
	}
	return first_rc;
}
