// SPDX-License-Identifier: GPL-2.0-only
/*
 * cgroup.c — the managed cgroup hierarchy (cgroup.h).
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "guest.h"

/* Enable each controller separately so one missing does not hide the other. */
static void enable_controllers(const char *dir, char *warn, size_t warnlen)
{
	static const char *const ctl[] = { "cpuset", "cpu" };
	char path[256], cmd[16];
	size_t i;

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	for (i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		int rc;

		snprintf(cmd, sizeof(cmd), "+%s", ctl[i]);
		rc = guest_write_file(path, cmd);
		if (rc) {
			size_t used = strlen(warn);

			snprintf(warn + used, warnlen - used, "%s%s in %s: %s", used ? "; " : "",
				 cmd, path, strerror(-rc));
		}
	}
}

int guest_cg_setup(const char *root, char *err, size_t errlen, char *warn, size_t warnlen)
{
	char parent[256];

	if (warnlen)
		warn[0] = '\0';
	snprintf(parent, sizeof(parent), "%s", root);
	enable_controllers(dirname(parent), warn, warnlen);
	if (mkdir(root, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", root, strerror(errno));
		return -1;
	}
	enable_controllers(root, warn, warnlen);
	return 0;
}

int guest_cg_create(const char *root, const char *name, char *err, size_t errlen)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (mkdir(path, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int guest_cg_remove(const char *root, const char *name, char *err, size_t errlen)
{
	struct timespec ts = { 0, 10 * 1000000L };
	char path[256];
	int tries;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	for (tries = 0; tries < 100; tries++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&ts, NULL);
	}
	snprintf(err, errlen, "rmdir %s: %s", path, strerror(errno));
	return -1;
}

int guest_cg_set_cpus(const char *root, const char *name, const struct ktstr_cpumask *m,
		      char *err, size_t errlen)
{
	char path[256], list[1024];
	int rc;

	snprintf(path, sizeof(path), "%s/%s/cpuset.cpus", root, name);
	if (m)
		ktstr_cpumask_format(m, list, sizeof(list));
	else
		list[0] = '\0';
	/* An empty write may never reach the kernel: "\n" is the clear. */
	rc = guest_write_file(path, list[0] ? list : "\n");
	if (rc) {
		snprintf(err, errlen, "write '%s' to %s: %s", list, path, strerror(-rc));
		return -1;
	}
	return 0;
}

void guest_cg_procs_path(const char *root, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/cgroup.procs", root, name);
}

int guest_cg_move(const char *root, const char *name, pid_t pid, char *err, size_t errlen)
{
	char path[256], num[24];
	int rc;

	guest_cg_procs_path(root, name, path, sizeof(path));
	snprintf(num, sizeof(num), "%d", (int)pid);
	rc = guest_write_file(path, num);
	if (rc) {
		snprintf(err, errlen, "write pid %d to %s: %s", (int)pid, path, strerror(-rc));
		return -1;
	}
	return 0;
}
