// SPDX-License-Identifier: GPL-2.0-only
/*
 * topo_check.c — compare the kernel's CPU topology with KTSTR_TOPO
 * (topo_check.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "topo_check.h"

static int read_mask(const char *sysroot, const char *rel, struct ktstr_cpumask *m)
{
	char path[512], buf[1024];
	struct ktstr_diag d;

	snprintf(path, sizeof(path), "%s%s", sysroot, rel);
	if (guest_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	ktstr_cpumask_zero(m);
	if (!buf[0])
		return 0;
	return ktstr_cpumask_parse(buf, m, &d);
}

/* The index of cpu's highest-level cache (its LLC), or -1. */
static int llc_index(const char *sysroot, unsigned cpu, unsigned *level)
{
	char path[512], buf[32];
	int idx, best = -1;
	unsigned best_level = 0;

	for (idx = 0; idx < 8; idx++) {
		unsigned long lv;

		snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/cpu%u/cache/index%d/level",
			 sysroot, cpu, idx);
		if (guest_read_file(path, buf, sizeof(buf)) < 0)
			continue;
		lv = strtoul(buf, NULL, 10);
		if (lv > best_level) {
			best_level = (unsigned)lv;
			best = idx;
		}
	}
	*level = best_level;
	return best;
}

static void read_cpu(const char *sysroot, unsigned cpu, struct guest_topo_seen *s)
{
	char rel[160];
	unsigned level;
	int idx = llc_index(sysroot, cpu, &level);

	if (idx >= 0) {
		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%u/cache/index%d/shared_cpu_list",
			 cpu, idx);
		if (read_mask(sysroot, rel, &s->llc[cpu]) == 0) {
			s->have_llc = true;
			if (level > s->llc_level)
				s->llc_level = level;
		}
	}
	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
	if (read_mask(sysroot, rel, &s->smt[cpu]))
		ktstr_cpumask_set(&s->smt[cpu], cpu);
}

static void read_nodes(const char *sysroot, struct guest_topo_seen *s)
{
	char rel[96];
	unsigned n;

	for (n = 0; n < sizeof(s->node_cpus) / sizeof(s->node_cpus[0]); n++) {
		snprintf(rel, sizeof(rel), "/sys/devices/system/node/node%u/cpulist", n);
		if (read_mask(sysroot, rel, &s->node_cpus[n]))
			continue;
		s->have_nodes = true;
		if (!ktstr_cpumask_empty(&s->node_cpus[n]))
			s->nnodes_seen++;
	}
}

int guest_topo_read(const char *sysroot, struct guest_topo_seen *s, char *err, size_t errlen)
{
	int cpu;

	memset(s, 0, sizeof(*s));
	if (read_mask(sysroot, "/sys/devices/system/cpu/online", &s->online)) {
		snprintf(err, errlen, "cannot read %s/sys/devices/system/cpu/online", sysroot);
		return -1;
	}
	for (cpu = ktstr_cpumask_next(&s->online, 0); cpu >= 0;
	     cpu = ktstr_cpumask_next(&s->online, (unsigned)cpu + 1))
		read_cpu(sysroot, (unsigned)cpu, s);
	read_nodes(sysroot, s);
	return 0;
}

/* "0-1|2-3": the distinct masks in masks[] over the online CPUs. */
static int describe_groups(const struct guest_topo_seen *s, const struct ktstr_cpumask *masks,
			   char *buf, size_t len)
{
	struct ktstr_cpumask done = { { 0 } };
	size_t used = 0;
	int cpu;

	buf[0] = '\0';
	for (cpu = ktstr_cpumask_next(&s->online, 0); cpu >= 0 && used + 1 < len;
	     cpu = ktstr_cpumask_next(&s->online, (unsigned)cpu + 1)) {
		char one[256];

		if (ktstr_cpumask_test(&done, (unsigned)cpu))
			continue;
		ktstr_cpumask_or(&done, &masks[cpu]);
		ktstr_cpumask_set(&done, (unsigned)cpu);
		ktstr_cpumask_format(&masks[cpu], one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "|" : "", one);
	}
	return (int)used;
}

int guest_topo_describe(const struct guest_topo_seen *s, char *buf, size_t len)
{
	char online[256], llc[512] = "?", nodes[512] = "", one[256];
	unsigned n, smt = 1;
	int cpu = ktstr_cpumask_next(&s->online, 0);
	size_t used = 0;

	ktstr_cpumask_format(&s->online, online, sizeof(online));
	if (s->have_llc)
		describe_groups(s, s->llc, llc, sizeof(llc));
	if (cpu >= 0)
		smt = ktstr_cpumask_count(&s->smt[cpu]);
	for (n = 0; n < sizeof(s->node_cpus) / sizeof(s->node_cpus[0]); n++) {
		if (ktstr_cpumask_empty(&s->node_cpus[n]) || used + 1 >= sizeof(nodes))
			continue;
		ktstr_cpumask_format(&s->node_cpus[n], one, sizeof(one));
		used += (size_t)snprintf(nodes + used, sizeof(nodes) - used, "%s%s", used ? "|" : "", one);
	}
	return snprintf(buf, len, "%u cpus %s; llc(L%u) %s; smt %u; nodes %s",
			ktstr_cpumask_count(&s->online), online, s->llc_level, llc, smt,
			s->have_nodes ? nodes : "(no NUMA info)");
}

static int first_mismatch(const struct ktstr_topology *t, const struct guest_topo_seen *s,
			  char *buf, size_t len)
{
	struct ktstr_cpumask all, want;
	char a[256], b[256];
	unsigned cpu, n, ncpus = ktstr_topology_cpus(t);

	ktstr_topology_all(t, &all);
	if (!ktstr_cpumask_equal(&all, &s->online)) {
		ktstr_cpumask_format(&all, a, sizeof(a));
		ktstr_cpumask_format(&s->online, b, sizeof(b));
		return snprintf(buf, len, "online CPUs %s, expected %s", b, a);
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		if (s->have_llc) {
			ktstr_topology_llc_mask(t, ktstr_topology_cpu_llc(t, cpu), &want);
			if (!ktstr_cpumask_equal(&want, &s->llc[cpu])) {
				ktstr_cpumask_format(&want, a, sizeof(a));
				ktstr_cpumask_format(&s->llc[cpu], b, sizeof(b));
				return snprintf(buf, len, "cpu%u shares its LLC with %s, expected %s",
						cpu, b, a);
			}
		}
		ktstr_cpumask_zero(&want);
		for (n = 0; n < t->threads; n++)
			ktstr_cpumask_set(&want, cpu - ktstr_topology_cpu_thread(t, cpu) + n);
		if (!ktstr_cpumask_equal(&want, &s->smt[cpu])) {
			ktstr_cpumask_format(&want, a, sizeof(a));
			ktstr_cpumask_format(&s->smt[cpu], b, sizeof(b));
			return snprintf(buf, len, "cpu%u has SMT siblings %s, expected %s", cpu, b, a);
		}
	}
	if (!s->have_nodes) {
		if (t->numa_nodes > 1)
			return snprintf(buf, len, "no NUMA nodes in sysfs, expected %u", t->numa_nodes);
		return 0;
	}
	for (n = 0; n < t->numa_nodes; n++) {
		if (n >= sizeof(s->node_cpus) / sizeof(s->node_cpus[0]))
			return snprintf(buf, len, "%u NUMA nodes expected, init reads at most %zu",
					t->numa_nodes, sizeof(s->node_cpus) / sizeof(s->node_cpus[0]));
		ktstr_topology_node_mask(t, n, &want);
		if (!ktstr_cpumask_equal(&want, &s->node_cpus[n])) {
			ktstr_cpumask_format(&want, a, sizeof(a));
			ktstr_cpumask_format(&s->node_cpus[n], b, sizeof(b));
			return snprintf(buf, len, "node%u has CPUs '%s', expected %s", n, b, a);
		}
	}
	if (s->nnodes_seen != t->numa_nodes)
		return snprintf(buf, len, "%u NUMA nodes have CPUs, expected %u", s->nnodes_seen,
				t->numa_nodes);
	return 0;
}

int guest_topo_compare(const struct ktstr_topology *want, const struct guest_topo_seen *s,
		       char *why, size_t whylen)
{
	char diff[384], seen[640], name[KTSTR_TOPO_STR_MAX];

	if (first_mismatch(want, s, diff, sizeof(diff)) == 0)
		return 0;
	ktstr_topology_format(want, name, sizeof(name));
	guest_topo_describe(s, seen, sizeof(seen));
	snprintf(why, whylen, "topology mismatch: %s (expected %s; kernel sees %s)", diff, name, seen);
	return -1;
}
