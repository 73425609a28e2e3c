/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * topo_check.h — does the CPU topology the guest kernel sees match the
 * one the VMM was asked to build (KTSTR_TOPO)?
 *
 * The kernel's view comes from sysfs: online CPUs, each CPU's LLC (the
 * shared_cpu_list of its highest-level cache), its SMT siblings and its
 * NUMA node.  The expected view is the dense numbering of topology.h.  A
 * mismatch means the VMM presented the topology wrong, so every cpuset in
 * the scenario would land on the wrong CPUs: init reports it and stops.
 */
#ifndef KTSTR_GUEST_TOPO_CHECK_H
#define KTSTR_GUEST_TOPO_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <ktstr/cpuset.h>
#include <ktstr/topology.h>

struct guest_topo_seen {
	struct ktstr_cpumask online;
	bool	 have_llc;			/* some CPU had cache info */
	unsigned llc_level;			/* cache level used as LLC */
	struct ktstr_cpumask llc[KTSTR_CPUMASK_BITS];	/* per CPU: CPUs sharing its LLC */
	struct ktstr_cpumask smt[KTSTR_CPUMASK_BITS];	/* per CPU: its thread siblings */
	bool	 have_nodes;
	struct ktstr_cpumask node_cpus[64];		/* per node id */
	unsigned nnodes_seen;				/* nodes with CPUs */
};

/*
 * Read the kernel's view below sysroot ("" for the real /sys, a fixture
 * directory in tests).  0, or -1 with err (the online list is required;
 * cache, SMT and node information are optional).
 */
int guest_topo_read(const char *sysroot, struct guest_topo_seen *s, char *err, size_t errlen);

/*
 * Compare.  0 when they match; -1 with why = the first difference and a
 * summary of both ("expected 1n2l2c1t: ...; kernel sees: ...").
 */
int guest_topo_compare(const struct ktstr_topology *want, const struct guest_topo_seen *s,
		       char *why, size_t whylen);

/* One line describing what the kernel sees ("4 cpus 0-3; llc 0-1|2-3; smt 1; nodes 0-3"). */
int guest_topo_describe(const struct guest_topo_seen *s, char *buf, size_t len);

#endif /* KTSTR_GUEST_TOPO_CHECK_H */
