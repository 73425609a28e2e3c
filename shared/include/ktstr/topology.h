/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * topology.h — the VM's CPU topology: NUMA nodes, LLCs, cores per LLC,
 * threads per core (ktstr §9.1), written "1n2l2c1t".
 *
 * CPU ids are dense: thread fastest, then core, then LLC, so
 * cpu = (llc * cores + core) * threads + thread.  LLC i belongs to node
 * i / (llcs / numa_nodes).  Every count is >= 1, llcs % numa_nodes == 0,
 * and the total llcs * cores * threads is at most KTSTR_TOPO_MAX_CPUS.
 */
#ifndef KTSTR_TOPOLOGY_H
#define KTSTR_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/cpuset.h>
#include <ktstr/diag.h>

#define KTSTR_TOPO_MAX_CPUS 252u	/* x2APIC-free x86 limit used by ktstr */
#define KTSTR_TOPO_STR_MAX  32u		/* "252n252l252c252t" fits */

struct ktstr_topology {
	uint16_t numa_nodes;
	uint16_t llcs;
	uint16_t cores;		/* per LLC */
	uint16_t threads;	/* per core */
};

/* The default when neither the scenario nor the command line names one. */
#define KTSTR_TOPOLOGY_DEFAULT ((struct ktstr_topology){ 1, 1, 2, 1 })

/*
 * Parse "NnLlCcTt" (e.g. "1n2l2c1t") or the kernel-argument form
 * "N,L,C,T".  Validates all bounds.  0 / -1 + err.
 */
int ktstr_topology_parse(const char *s, struct ktstr_topology *t, struct ktstr_diag *err);
/* Bounds check of an already filled struct.  0 / -1 + err. */
int ktstr_topology_validate(const struct ktstr_topology *t, struct ktstr_diag *err);
/* "1n2l2c1t"; returns snprintf-style length. */
int ktstr_topology_format(const struct ktstr_topology *t, char *buf, size_t len);
bool ktstr_topology_equal(const struct ktstr_topology *a, const struct ktstr_topology *b);

unsigned ktstr_topology_cpus(const struct ktstr_topology *t);
unsigned ktstr_topology_cpu_llc(const struct ktstr_topology *t, unsigned cpu);
unsigned ktstr_topology_cpu_node(const struct ktstr_topology *t, unsigned cpu);
unsigned ktstr_topology_cpu_core(const struct ktstr_topology *t, unsigned cpu);   /* within its LLC */
unsigned ktstr_topology_cpu_thread(const struct ktstr_topology *t, unsigned cpu); /* within its core */
unsigned ktstr_topology_llc_node(const struct ktstr_topology *t, unsigned llc);

void ktstr_topology_all(const struct ktstr_topology *t, struct ktstr_cpumask *out);
/* All CPUs but the last when there are more than 2 (the last is left to
 * the root cgroup / framework, ktstr §7.1). */
void ktstr_topology_usable(const struct ktstr_topology *t, struct ktstr_cpumask *out);
void ktstr_topology_llc_mask(const struct ktstr_topology *t, unsigned llc, struct ktstr_cpumask *out);
void ktstr_topology_node_mask(const struct ktstr_topology *t, unsigned node, struct ktstr_cpumask *out);

#endif /* KTSTR_TOPOLOGY_H */
