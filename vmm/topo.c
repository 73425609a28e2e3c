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

static int topo_num(const char **p, unsigned *out)
{
	const char *s = *p;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 100000)
			return -1;
		s++;
	}
	*out = (unsigned)v;
	*p = s;
	return 0;
}

int vmm_topo_parse(const char *s, struct vmm_topo *t, char *err, size_t errlen)
{
	static const char unit[4] = { 'n', 'l', 'c', 't' };
	unsigned v[4];
	bool commas = s && strchr(s, ',');
	const char *p = s;

	if (!s || !*s) {
		snprintf(err, errlen, "topology is empty (want e.g. 1n2l2c1t)");
		return -EINVAL;
	}
	for (int i = 0; i < 4; i++) {
		if (topo_num(&p, &v[i]) < 0)
			goto bad;
		if (commas ? (i < 3 ? *p != ',' : *p != '\0') : *p != unit[i])
			goto bad;
		if (*p)
			p++;
	}
	if (*p)
		goto bad;
	t->nodes = v[0], t->llcs = v[1], t->cores = v[2], t->threads = v[3];
	if (!t->nodes || !t->llcs || !t->cores || !t->threads) {
		snprintf(err, errlen, "topology '%s': every count must be at least 1", s);
		return -EINVAL;
	}
	if (t->nodes > VMM_MAX_NODES) {
		snprintf(err, errlen, "topology '%s': at most %u NUMA nodes", s, VMM_MAX_NODES);
		return -EINVAL;
	}
	if (t->llcs % t->nodes) {
		snprintf(err, errlen, "topology '%s': LLCs (%u) must be a multiple of nodes (%u)",
			 s, t->llcs, t->nodes);
		return -EINVAL;
	}
	if ((unsigned long)t->llcs * t->cores * t->threads > KTSTR_MAX_CPUS) {
		snprintf(err, errlen, "topology '%s': %lu vCPUs, at most %u", s,
			 (unsigned long)t->llcs * t->cores * t->threads, KTSTR_MAX_CPUS);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen, "topology '%s' is not NnLlCcTt (e.g. 1n2l2c1t) or N,L,C,T", s);
	return -EINVAL;
}

unsigned vmm_topo_cpus(const struct vmm_topo *t)
{
	return t->llcs * t->cores * t->threads;
}

void vmm_topo_name(const struct vmm_topo *t, char *buf, size_t len)
{
	snprintf(buf, len, "%un%ul%uc%ut", t->nodes, t->llcs, t->cores, t->threads);
}

void vmm_topo_node_cpus(const struct vmm_topo *t, unsigned node, unsigned *first, unsigned *last)
{
	unsigned per_node = vmm_topo_cpus(t) / t->nodes;

	*first = node * per_node;
	*last = *first + per_node - 1;
}

const char *vmm_topo_machine(const struct vmm_topo *t)
{
	return t->nodes > 1 ? "q35" : "microvm";
}

void vmm_topo_qemu_args(const struct vmm_topo *t, struct vmm_argv *av)
{
	vmm_argv_add(av, "-smp");
	vmm_argv_add(av, "cpus=%u,sockets=%u,cores=%u,threads=%u", vmm_topo_cpus(t), t->llcs,
		     t->cores, t->threads);
	if (t->nodes < 2)
		return;
	for (unsigned i = 0; i < t->nodes; i++) {
		unsigned a, b;

		vmm_topo_node_cpus(t, i, &a, &b);
		vmm_argv_add(av, "-numa");
		if (a == b)
			vmm_argv_add(av, "node,nodeid=%u,cpus=%u,memdev=mem%u", i, a, i);
		else
			vmm_argv_add(av, "node,nodeid=%u,cpus=%u-%u,memdev=mem%u", i, a, b, i);
	}
	for (unsigned i = 0; i < t->nodes; i++)
		for (unsigned j = i + 1; j < t->nodes; j++) {
			vmm_argv_add(av, "-numa");
			vmm_argv_add(av, "dist,src=%u,dst=%u,val=20", i, j);
		}
}
