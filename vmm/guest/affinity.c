// SPDX-License-Identifier: GPL-2.0-only
/*
 * affinity.c — resolve a cgroup's affinity kind to a CPU mask for one
 * worker (worker.h, ktstr §7.1 AffinityKind).
 */
#include "guest.h"
#include "worker.h"

static void random_subset(const struct ktstr_cpumask *from, uint64_t *rng, struct ktstr_cpumask *out)
{
	unsigned n = ktstr_cpumask_count(from), want, picked = 0;
	struct ktstr_cpumask left = *from;

	ktstr_cpumask_zero(out);
	if (!n)
		return;
	want = 1 + (unsigned)(guest_rand(rng) % n);
	while (picked < want) {
		int cpu = ktstr_cpumask_nth(&left, (unsigned)(guest_rand(rng) % (n - picked)));

		ktstr_cpumask_clear(&left, (unsigned)cpu);
		ktstr_cpumask_set(out, (unsigned)cpu);
		picked++;
	}
}

int guest_affinity_resolve(const struct ktstr_affinity *a, const struct ktstr_cpumask *cg_cpus,
			   const struct ktstr_topology *t, uint32_t index, uint64_t *rng,
			   struct ktstr_cpumask *out)
{
	unsigned n = ktstr_cpumask_count(cg_cpus);

	switch (a->kind) {
	case KTSTR_AFF_RANDOM:
		random_subset(cg_cpus, rng, out);
		return !ktstr_cpumask_empty(out);
	case KTSTR_AFF_CROSS:
		if (!t)
			return 0;
		ktstr_topology_all(t, out);
		return 1;
	case KTSTR_AFF_SINGLE:
		if (!n)
			return 0;
		ktstr_cpumask_zero(out);
		ktstr_cpumask_set(out, (unsigned)ktstr_cpumask_nth(cg_cpus, index % n));
		return 1;
	case KTSTR_AFF_EXACT:
		*out = a->exact;
		return !ktstr_cpumask_empty(out);
	case KTSTR_AFF_INHERIT:
	case KTSTR_AFF_LLC:	/* the worker pins itself once it runs */
	default:
		return 0;
	}
}
