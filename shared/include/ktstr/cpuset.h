/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpuset.h — CPU sets: a fixed 256-bit CPU mask and the scenario's
 * cpuset specs (llc:i, numa:n, range:a-b, disjoint:i/n, overlap:i/n:f,
 * exact lists) resolved against a topology.
 *
 * Resolution rules (ktstr §7.1, exact rounding in docs/scenarios.md):
 * llc/numa cover their whole domain; range/disjoint/overlap act on the
 * topology's usable CPUs (all but the last when there are more than 2);
 * exact lists are taken as written.  A spec that resolves to an empty set,
 * or names a CPU/LLC/node the topology does not have, is an error.
 */
#ifndef KTSTR_CPUSET_H
#define KTSTR_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/diag.h>

#define KTSTR_CPUMASK_BITS 256u

/* Bit c of bits[c / 64] is CPU c.  Plain data: zero-initialise to clear. */
struct ktstr_cpumask {
	uint64_t bits[KTSTR_CPUMASK_BITS / 64];
};

void ktstr_cpumask_zero(struct ktstr_cpumask *m);
void ktstr_cpumask_set(struct ktstr_cpumask *m, unsigned cpu);	/* cpu >= 256: ignored */
void ktstr_cpumask_clear(struct ktstr_cpumask *m, unsigned cpu);
bool ktstr_cpumask_test(const struct ktstr_cpumask *m, unsigned cpu);
unsigned ktstr_cpumask_count(const struct ktstr_cpumask *m);
bool ktstr_cpumask_empty(const struct ktstr_cpumask *m);
bool ktstr_cpumask_equal(const struct ktstr_cpumask *a, const struct ktstr_cpumask *b);
bool ktstr_cpumask_subset(const struct ktstr_cpumask *a, const struct ktstr_cpumask *b); /* a ⊆ b */
void ktstr_cpumask_or(struct ktstr_cpumask *dst, const struct ktstr_cpumask *src);
void ktstr_cpumask_and(struct ktstr_cpumask *dst, const struct ktstr_cpumask *src);
void ktstr_cpumask_andnot(struct ktstr_cpumask *dst, const struct ktstr_cpumask *src);
/* first set CPU >= from, or -1 */
int ktstr_cpumask_next(const struct ktstr_cpumask *m, unsigned from);
/* the n-th (0-based) set CPU in ascending order, or -1 */
int ktstr_cpumask_nth(const struct ktstr_cpumask *m, unsigned n);

/* Wire form (wire.h cpus_used/cpus_allowed): byte i bit j = CPU 8*i+j. */
void ktstr_cpumask_from_bytes(struct ktstr_cpumask *m, const uint8_t bytes[32]);
void ktstr_cpumask_to_bytes(const struct ktstr_cpumask *m, uint8_t bytes[32]);

/*
 * Kernel list format "0-3,5" (cpuset.cpus, cpulist_parse).  Empty mask ->
 * "".  Returns the length the full text needs (like snprintf); the buffer
 * is always NUL-terminated when len > 0.  Worst case 256 CPUs needs < 1024.
 */
int ktstr_cpumask_format(const struct ktstr_cpumask *m, char *buf, size_t len);
/* Parse "0-3,5" (no spaces, ascending not required, CPU < 256). 0 / -1. */
int ktstr_cpumask_parse(const char *s, struct ktstr_cpumask *m, struct ktstr_diag *err);

/* ---- cpuset specs ---- */

enum ktstr_cpuset_kind {
	KTSTR_CPUSET_NONE = 0,	/* no cpuset: the cgroup may use every CPU */
	KTSTR_CPUSET_LLC,	/* llc:I          all CPUs of LLC I */
	KTSTR_CPUSET_NUMA,	/* numa:N         all CPUs of NUMA node N */
	KTSTR_CPUSET_RANGE,	/* range:A-B      usable[floor(u*A), floor(u*B)) */
	KTSTR_CPUSET_DISJOINT,	/* disjoint:I/N   I-th of N equal partitions of usable */
	KTSTR_CPUSET_OVERLAP,	/* overlap:I/N:F  partition I widened by F of a chunk */
	KTSTR_CPUSET_EXACT,	/* 0-3,5 or exact:0-3,5 */
};

/* Fractions are fixed point in millionths (KTSTR_FRAC_ONE = 1.0): exact
 * decimal input, deterministic rounding on host and guest alike. */
#define KTSTR_FRAC_ONE 1000000u

struct ktstr_cpuset_spec {
	uint8_t	 kind;		/* enum ktstr_cpuset_kind */
	uint16_t index;		/* llc / node / partition index */
	uint16_t of;		/* partitions (disjoint, overlap) */
	uint32_t start;		/* range start, millionths */
	uint32_t end;		/* range end, millionths */
	uint32_t frac;		/* overlap fraction, millionths */
	struct ktstr_cpumask exact;
};

struct ktstr_topology;

/* Parse the spec text (syntax above, plus "none").  Only syntax and
 * topology-independent ranges are checked here. */
int ktstr_cpuset_spec_parse(const char *s, struct ktstr_cpuset_spec *spec,
			    struct ktstr_diag *err);
/* Canonical text of a spec ("disjoint:0/2", "range:0-0.5"). */
int ktstr_cpuset_spec_format(const struct ktstr_cpuset_spec *spec, char *buf, size_t len);
/* Resolve against a topology.  NONE resolves to all CPUs.  0 / -1 + err. */
int ktstr_cpuset_resolve(const struct ktstr_cpuset_spec *spec,
			 const struct ktstr_topology *topo,
			 struct ktstr_cpumask *out, struct ktstr_diag *err);

#endif /* KTSTR_CPUSET_H */
