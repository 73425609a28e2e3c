// SPDX-License-Identifier: GPL-2.0-only
/*
 * topology.c — NnLlCcTt topology parsing, bounds and CPU numbering.
 */
#include <ktstr/topology.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Parse a decimal count 1..KTSTR_TOPO_MAX_CPUS; advances *p. */
static int topo_num(const char **p, unsigned *out)
{
	const char *s = *p;
	unsigned v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 99999)
			return -1;
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

static int topo_fill(struct ktstr_topology *t, const unsigned v[4])
{
	for (int i = 0; i < 4; i++)
		if (v[i] > 0xffff)
			return -1;
	t->numa_nodes = (uint16_t)v[0];
	t->llcs = (uint16_t)v[1];
	t->cores = (uint16_t)v[2];
	t->threads = (uint16_t)v[3];
	return 0;
}

int ktstr_topology_parse(const char *s, struct ktstr_topology *t, struct ktstr_diag *err)
{
	static const char letters[4] = { 'n', 'l', 'c', 't' };
	bool commas = s && strchr(s, ',');
	const char *p = s;
	unsigned v[4];

	if (!s || !*s)
		return ktstr_diag_set(err, "empty topology (expected NnLlCcTt, e.g. 1n2l2c1t)");
	for (int i = 0; i < 4; i++) {
		char want = commas ? (i < 3 ? ',' : '\0') : letters[i];

		if (topo_num(&p, &v[i]) || *p != want)
			return ktstr_diag_set(err, "bad topology '%.64s' (expected NnLlCcTt, e.g. 1n2l2c1t)", s);
		if (want)
			p++;
	}
	if (*p || topo_fill(t, v))
		return ktstr_diag_set(err, "bad topology '%.64s' (expected NnLlCcTt, e.g. 1n2l2c1t)", s);
	return ktstr_topology_validate(t, err);
}

int ktstr_topology_validate(const struct ktstr_topology *t, struct ktstr_diag *err)
{
	char buf[KTSTR_TOPO_STR_MAX];
	unsigned long total;

	ktstr_topology_format(t, buf, sizeof(buf));
	if (!t->numa_nodes || !t->llcs || !t->cores || !t->threads)
		return ktstr_diag_set(err, "topology %s: every count must be at least 1", buf);
	if (t->llcs % t->numa_nodes)
		return ktstr_diag_set(err, "topology %s: llcs (%u) must be a multiple of numa nodes (%u)",
				      buf, t->llcs, t->numa_nodes);
	total = (unsigned long)t->llcs * t->cores * t->threads;
	if (total > KTSTR_TOPO_MAX_CPUS)
		return ktstr_diag_set(err, "topology %s: %lu CPUs, at most %u supported",
				      buf, total, KTSTR_TOPO_MAX_CPUS);
	return 0;
}

int ktstr_topology_format(const struct ktstr_topology *t, char *buf, size_t len)
{
	return snprintf(buf, len, "%un%ul%uc%ut", t->numa_nodes, t->llcs, t->cores, t->threads);
}

bool ktstr_topology_equal(const struct ktstr_topology *a, const struct ktstr_topology *b)
{
	return a->numa_nodes == b->numa_nodes && a->llcs == b->llcs &&
	       a->cores == b->cores && a->threads == b->threads;
}

unsigned ktstr_topology_cpus(const struct ktstr_topology *t)
{
	return (unsigned)t->llcs * t->cores * t->threads;
}

unsigned ktstr_topology_cpu_llc(const struct ktstr_topology *t, unsigned cpu)
{
	return cpu / ((unsigned)t->cores * t->threads);
}

unsigned ktstr_topology_llc_node(const struct ktstr_topology *t, unsigned llc)
{
	return llc / (unsigned)(t->llcs / t->numa_nodes);
}

unsigned ktstr_topology_cpu_node(const struct ktstr_topology *t, unsigned cpu)
{
	return ktstr_topology_llc_node(t, ktstr_topology_cpu_llc(t, cpu));
}

unsigned ktstr_topology_cpu_core(const struct ktstr_topology *t, unsigned cpu)
{
	return (cpu / t->threads) % t->cores;
}

unsigned ktstr_topology_cpu_thread(const struct ktstr_topology *t, unsigned cpu)
{
	return cpu % t->threads;
}

void ktstr_topology_all(const struct ktstr_topology *t, struct ktstr_cpumask *out)
{
	unsigned n = ktstr_topology_cpus(t);

	ktstr_cpumask_zero(out);
	for (unsigned c = 0; c < n; c++)
		ktstr_cpumask_set(out, c);
}

void ktstr_topology_usable(const struct ktstr_topology *t, struct ktstr_cpumask *out)
{
	unsigned n = ktstr_topology_cpus(t);

	ktstr_topology_all(t, out);
	if (n > 2)
		ktstr_cpumask_clear(out, n - 1);
}

void ktstr_topology_llc_mask(const struct ktstr_topology *t, unsigned llc, struct ktstr_cpumask *out)
{
	unsigned per = (unsigned)t->cores * t->threads;

	ktstr_cpumask_zero(out);
	if (llc >= t->llcs)
		return;
	for (unsigned c = llc * per; c < (llc + 1) * per; c++)
		ktstr_cpumask_set(out, c);
}

void ktstr_topology_node_mask(const struct ktstr_topology *t, unsigned node, struct ktstr_cpumask *out)
{
	unsigned per = t->llcs / t->numa_nodes;
	struct ktstr_cpumask m;

	ktstr_cpumask_zero(out);
	if (node >= t->numa_nodes)
		return;
	for (unsigned l = node * per; l < (node + 1) * per; l++) {
		ktstr_topology_llc_mask(t, l, &m);
		ktstr_cpumask_or(out, &m);
	}
}
