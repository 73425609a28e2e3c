// SPDX-License-Identifier: GPL-2.0-only
/*
 * topo.c — the NnLlCcTt topology and how QEMU is told about it.
 *
 * Under QEMU TCG, `-cpu max` is an AMD model whose L3 is shared per
 * socket, so one LLC is one QEMU socket (-smp sockets=L,cores=C,threads=T;
 * threads=2 gives real SMT siblings).  microvm has no SRAT, so several
 * NUMA nodes need q35 with -numa node/dist (measured: environment-findings).
 * QEMU numbers vCPUs thread fastest, then core, then socket — the same
 * dense order as ktstr, so node i owns a contiguous range of vCPUs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/wire.h>

#include "vmm.h"

int vmm_topo_parse(const char *s, struct ktstr_topology *t, char *err, size_t errlen)
{
	struct ktstr_diag d = { 0 };

	if (ktstr_topology_parse(s ? s : "", t, &d) < 0) {
		snprintf(err, errlen, "%s", d.msg);
		return -EINVAL;
	}
	if (t->numa_nodes > VMM_MAX_NODES) {
		snprintf(err, errlen, "topology '%s': at most %u NUMA nodes", s, VMM_MAX_NODES);
		return -EINVAL;
	}
	return 0;
}

void vmm_topo_node_cpus(const struct ktstr_topology *t, unsigned node, unsigned *first, unsigned *last)
{
	unsigned per_node = ktstr_topology_cpus(t) / t->numa_nodes;

	*first = node * per_node;
	*last = *first + per_node - 1;
}

const char *vmm_topo_machine(const struct ktstr_topology *t)
{
	return t->numa_nodes > 1 ? "q35" : "microvm";
}

void vmm_topo_qemu_args(const struct ktstr_topology *t, struct vmm_argv *av)
{
	vmm_argv_add(av, "-smp");
	vmm_argv_add(av, "cpus=%u,sockets=%u,cores=%u,threads=%u", ktstr_topology_cpus(t), t->llcs,
		     t->cores, t->threads);
	if (t->numa_nodes < 2)
		return;
	for (unsigned i = 0; i < t->numa_nodes; i++) {
		unsigned a, b;

		vmm_topo_node_cpus(t, i, &a, &b);
		vmm_argv_add(av, "-numa");
		if (a == b)
			vmm_argv_add(av, "node,nodeid=%u,cpus=%u,memdev=mem%u", i, a, i);
		else
			vmm_argv_add(av, "node,nodeid=%u,cpus=%u-%u,memdev=mem%u", i, a, b, i);
	}
	for (unsigned i = 0; i < t->numa_nodes; i++)
		for (unsigned j = i + 1; j < t->numa_nodes; j++) {
			vmm_argv_add(av, "-numa");
			vmm_argv_add(av, "dist,src=%u,dst=%u,val=20", i, j);
		}
}
