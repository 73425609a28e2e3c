// SPDX-License-Identifier: GPL-2.0-only
/* ktstr-init: topology check against a fake sysfs tree (topo_check.h). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "guest.h"
#include "topo_check.h"

static char root[] = "/tmp/ktstr-topo-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512], dir[512], *slash;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	guest_mkdir_p(dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "%s\n", text);
	fclose(f);
}

/* 4 CPUs: LLC {0,1} {2,3}, no SMT, one node (what QEMU gives 1n2l2c1t). */
static void make_sysfs(const char *llc0, const char *llc1, const char *node0)
{
	char rel[256], v[16];
	int cpu;

	put("/sys/devices/system/cpu/online", "0-3");
	for (cpu = 0; cpu < 4; cpu++) {
		snprintf(v, sizeof(v), "%d", cpu);
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index0/level", cpu);
		put(rel, "1");
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index0/shared_cpu_list", cpu);
		put(rel, v);
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index3/level", cpu);
		put(rel, "3");
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cache/index3/shared_cpu_list", cpu);
		put(rel, cpu < 2 ? llc0 : llc1);
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
		put(rel, v);
	}
	put("/sys/devices/system/node/node0/cpulist", node0);
}

static int check(const char *topo, char *why, size_t len)
{
	struct guest_topo_seen *s = malloc(sizeof(*s));
	struct ktstr_topology t;
	struct ktstr_diag d;
	char err[256];
	int rc;

	ktstr_topology_parse(topo, &t, &d);
	if (guest_topo_read(root, s, err, sizeof(err))) {
		snprintf(why, len, "read: %s", err);
		free(s);
		return -2;
	}
	rc = guest_topo_compare(&t, s, why, len);
	free(s);
	return rc;
}

int main(void)
{
	char why[1200];
	struct guest_topo_seen s;
	char err[256];

	if (!mkdtemp(root))
		tap_skip_all("mkdtemp: cannot create a fixture dir");
	tap_plan(13);
	make_sysfs("0-1", "2-3", "0-3");
	tap_eq_i64(check("1n2l2c1t", why, sizeof(why)), 0, "matching topology accepted");
	tap_eq_i64(check("1n1l4c1t", why, sizeof(why)), -1, "one LLC expected, kernel has two");
	tap_has_str(why, "cpu0 shares its LLC with 0-1, expected 0-3", "names the CPU and both sets");
	tap_has_str(why, "expected 1n1l4c1t", "names the expected topology");
	tap_has_str(why, "kernel sees 4 cpus 0-3; llc(L3) 0-1|2-3", "describes what the kernel sees");
	tap_eq_i64(check("1n2l1c2t", why, sizeof(why)), -1, "SMT expected, none present");
	tap_has_str(why, "SMT siblings", "SMT mismatch named");
	tap_eq_i64(check("1n1l2c1t", why, sizeof(why)), -1, "fewer CPUs expected");
	tap_has_str(why, "online CPUs 0-3, expected 0-1", "online mismatch named");
	tap_eq_i64(check("2n2l2c1t", why, sizeof(why)), -1, "two nodes expected, one present");
	tap_has_str(why, "node0", "node mismatch named");

	make_sysfs("0-3", "0-3", "0-3");	/* a VMM that put all CPUs in one socket */
	tap_eq_i64(check("1n2l2c1t", why, sizeof(why)), -1, "wrong LLC layout caught");

	tap_ok(guest_topo_read("/nonexistent", &s, err, sizeof(err)) == -1, "missing sysfs is an error");
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd)) {
			/* best effort */
		}
	}
	return tap_done();
}
