/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scenario.h — a scenario: what runs inside the VM (cgroups, workers,
 * cpusets, timed steps with operations) and which checks judge it.
 *
 * Scenarios are INI-like text files (grammar in docs/scenarios.md) parsed
 * into the plain-data struct ktstr_scenario below.  The host parses and
 * validates before any VM boots (errors are "file:line: message"), the
 * guest init parses the same file again and executes it, and the host
 * verdict (verdict.h) judges the workers' reports against it.  The
 * parser resolves every cpuset spec against the scenario's topology, so a
 * parsed scenario is known to be executable on that topology.
 *
 * Execution model (what ktstr-init implements):
 *  - cgroups with start = now are created (cpuset applied) and their
 *    workers spawned before step 0; start = later cgroups are created by
 *    an add_cgroup op, with the configuration of their section.
 *  - Steps run in order: apply the step's ops in order, send STIM, then
 *    hold.  A loop hold re-applies the ops every `ms` until `duration_ms`
 *    after the scenario start.  A scenario without [step] sections has one
 *    implicit step: no ops, hold 100%.
 *  - Worker indices: within a cgroup, workers are numbered 0, 1, 2, ... in
 *    spawn order over the whole run (initial workers first, then each
 *    spawn op's, also across remove/re-add).  ktstr_worker_report.cgroup
 *    is the index of the cgroup the worker was spawned in (its home); a
 *    move_all does not change it.  Every worker ever spawned sends exactly
 *    one report (stopped/removed workers when stopped, the rest at the end).
 *  - stop stops (and reports) all workers currently in the cgroup;
 *    remove_cgroup stops them, then removes the cgroup; move_all moves
 *    every worker currently in A into B.
 *  - Pair work types (pipe_io, futex_pingpong) pair workers 2k and 2k+1
 *    of the same spawn (initial set or one spawn op).
 */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/cpuset.h>
#include <ktstr/diag.h>
#include <ktstr/topology.h>

/* Limits (documented in docs/scenarios.md). */
#define KTSTR_SC_NAME_MAX	 32u	/* names: 1..31 chars of [A-Za-z0-9_-] */
#define KTSTR_SC_DESC_MAX	 256u
#define KTSTR_SC_SCHED_MAX	 256u	/* scheduler name or path */
#define KTSTR_SC_SCHED_ARGS_MAX	 1024u
#define KTSTR_SC_MAX_CGROUPS	 16u
#define KTSTR_SC_MAX_STEPS	 64u
#define KTSTR_SC_MAX_OPS	 256u	/* over all steps */
#define KTSTR_SC_MAX_WORKERS	 1024u	/* over the whole run, all spawns */
#define KTSTR_SC_MAX_DURATION_MS 3600000u
#define KTSTR_SC_LINE_MAX	 1024u	/* bytes per line, newline excluded */
#define KTSTR_SC_FILE_MAX	 (1u << 20)

/* Defaults (ktstr §7.1 KtstrTestEntry::DEFAULT). */
#define KTSTR_SC_DEFAULT_DURATION_MS 2000u
#define KTSTR_SC_DEFAULT_WORKERS     2u

enum ktstr_work_kind {
	KTSTR_WORK_SPIN = 0,		/* tight spin, 1 unit per spin (checked every 1024) */
	KTSTR_WORK_YIELD,		/* sched_yield every iteration */
	KTSTR_WORK_MIXED,		/* 1024 spins then a yield */
	KTSTR_WORK_IO_SYNC,		/* 64 KiB write (16 x 4 KiB), sleep 100 us */
	KTSTR_WORK_BURSTY,		/* spin burst_ms, sleep sleep_ms */
	KTSTR_WORK_PIPE_IO,		/* spin iters, 1-byte pipe ping-pong (pairs) */
	KTSTR_WORK_FUTEX_PINGPONG,	/* spin iters, futex wake/wait partner (pairs) */
	KTSTR_WORK_FORK_EXIT,		/* fork a child that _exit(0)s, waitpid */
	KTSTR_WORK_NR,
};

struct ktstr_work {
	uint8_t	 kind;		/* enum ktstr_work_kind */
	uint32_t burst_ms;	/* bursty: default 50 */
	uint32_t sleep_ms;	/* bursty: default 100 */
	uint32_t iters;		/* pipe_io burst / futex_pingpong spin: default 1024 */
};

enum ktstr_affinity_kind {
	KTSTR_AFF_INHERIT = 0,	/* no sched_setaffinity */
	KTSTR_AFF_RANDOM,	/* random non-empty subset of the cgroup's cpuset (or all CPUs) */
	KTSTR_AFF_LLC,		/* the CPUs of the LLC the worker starts on */
	KTSTR_AFF_CROSS,	/* all CPUs */
	KTSTR_AFF_SINGLE,	/* one CPU of the cgroup's cpuset (worker i -> i-th, wrapping) */
	KTSTR_AFF_EXACT,	/* the given list */
};

struct ktstr_affinity {
	uint8_t kind;		/* enum ktstr_affinity_kind */
	struct ktstr_cpumask exact;
};

enum ktstr_policy_kind {
	KTSTR_POLICY_NORMAL = 0,
	KTSTR_POLICY_BATCH,
	KTSTR_POLICY_IDLE,
	KTSTR_POLICY_FIFO,	/* prio 1..99 */
	KTSTR_POLICY_RR,	/* prio 1..99 */
};

struct ktstr_policy {
	uint8_t kind;		/* enum ktstr_policy_kind */
	uint8_t prio;		/* FIFO/RR only, else 0 */
};

struct ktstr_sc_cgroup {
	char	 name[KTSTR_SC_NAME_MAX];
	uint32_t workers;		/* resolved: explicit or the scenario default */
	bool	 workers_explicit;	/* set in the section (overrides leave it alone) */
	bool	 start_later;		/* created by an add_cgroup op */
	int8_t	 nice;			/* -20..19 */
	struct ktstr_work	 work;
	struct ktstr_cpuset_spec cpuset;	/* kind NONE: no cpuset */
	struct ktstr_cpumask	 cpus;		/* cpuset resolved on sc->topology (all CPUs if NONE) */
	struct ktstr_affinity	 affinity;
	struct ktstr_policy	 policy;
	uint32_t line;			/* of the [cgroup NAME] header */
	uint32_t cpuset_line;		/* of its cpuset key, else line */
};

/* Values double as STIMULUS op_kinds bit indices (ktstr v0.4.9 OpKind order). */
enum ktstr_op_kind {
	KTSTR_OP_ADD_CGROUP	= 0,	/* a */
	KTSTR_OP_REMOVE_CGROUP	= 1,	/* a */
	KTSTR_OP_SET_CPUSET	= 2,	/* a, cpuset, cpus */
	KTSTR_OP_CLEAR_CPUSET	= 3,	/* a */
	KTSTR_OP_SWAP_CPUSETS	= 4,	/* a, b */
	KTSTR_OP_SPAWN		= 5,	/* a, work, count */
	KTSTR_OP_STOP		= 6,	/* a */
	KTSTR_OP_SET_AFFINITY	= 7,	/* a, affinity */
	/* 8: SpawnHost in ktstr, not supported yet */
	KTSTR_OP_MOVE_ALL	= 9,	/* a -> b */
	KTSTR_OP_NR		= 10,
};

struct ktstr_op {
	uint8_t	 kind;		/* enum ktstr_op_kind */
	uint8_t	 a, b;		/* cgroup indices into sc->cgroups */
	uint32_t count;		/* spawn: workers */
	struct ktstr_work	 work;		/* spawn */
	struct ktstr_cpuset_spec cpuset;	/* set_cpuset */
	struct ktstr_cpumask	 cpus;		/* set_cpuset, resolved */
	struct ktstr_affinity	 affinity;	/* set_affinity */
	uint32_t line;
};

enum ktstr_hold_kind {
	KTSTR_HOLD_FRAC = 0,	/* frac millionths of duration_ms */
	KTSTR_HOLD_FIXED,	/* ms */
	KTSTR_HOLD_LOOP,	/* re-apply ops every ms until duration_ms after start */
};

struct ktstr_hold {
	uint8_t	 kind;		/* enum ktstr_hold_kind */
	uint32_t frac;		/* FRAC: millionths (KTSTR_FRAC_ONE = 100%) */
	uint32_t ms;		/* FIXED: hold; LOOP: interval */
};

struct ktstr_sc_step {
	struct ktstr_hold hold;
	uint16_t first_op;	/* ops[first_op .. first_op + nops) */
	uint16_t nops;
	uint32_t line;		/* of the [step N] header, 0 if implicit */
};

/* Tristate for check switches: UNSET = inherit the default / lower layer. */
enum ktstr_tristate { KTSTR_UNSET = 0, KTSTR_OFF = 1, KTSTR_ON = 2 };

/*
 * Check overrides.  Each field is optional (UNSET); ktstr_checks_merge()
 * layers them: defaults <- scheduler <- scenario <- command line.
 */
struct ktstr_checks {
	uint8_t	 starvation;	/* tristate; default ON */
	uint8_t	 fairness;	/* tristate; default ON */
	uint8_t	 max_gap;	/* tristate; default ON */
	uint8_t	 isolation;	/* tristate; default OFF (ktstr: opt-in) */
	uint8_t	 sched;		/* tristate; scheduler fate checks, default ON */
	bool	 spread_set;
	bool	 gap_set;
	uint32_t spread_bp;	/* fairness threshold, 1/100 %; default 3500 */
	uint32_t gap_ms;	/* max-gap threshold before the backend factor; default 2000 */
};

#define KTSTR_CHECK_DEFAULT_SPREAD_BP 3500u
#define KTSTR_CHECK_DEFAULT_GAP_MS    2000u

/* All set to the built-in defaults. */
void ktstr_checks_defaults(struct ktstr_checks *c);
/* Every set field of src overrides dst. */
void ktstr_checks_merge(struct ktstr_checks *dst, const struct ktstr_checks *src);

struct ktstr_scenario {
	char	 name[KTSTR_SC_NAME_MAX];	/* file basename without .ktstr */
	char	 file[256];			/* name used in diagnostics */
	char	 description[KTSTR_SC_DESC_MAX];
	char	 scheduler[KTSTR_SC_SCHED_MAX];	/* "" = none given */
	char	 sched_args[KTSTR_SC_SCHED_ARGS_MAX];
	struct ktstr_topology topology;
	bool	 topology_set;			/* given in the file */
	uint32_t duration_ms;
	uint32_t workers;			/* default workers per cgroup */
	uint16_t ncgroups, nsteps, nops;
	bool	 implicit_step;			/* no [step] in the file */
	struct ktstr_sc_cgroup cgroups[KTSTR_SC_MAX_CGROUPS];
	struct ktstr_sc_step   steps[KTSTR_SC_MAX_STEPS];
	struct ktstr_op	       ops[KTSTR_SC_MAX_OPS];
	struct ktstr_checks    checks;		/* as written: unset fields stay UNSET */
};
/* ~45 KiB: allocate it (malloc/static), not on a small stack. */

/*
 * Parse and fully validate.  `name` (parse_buf) / `path` (parse_file) is
 * the file name used in "file:line: message" diagnostics; the scenario
 * name is its basename without ".ktstr".  On error returns -1, fills err
 * (err->line = the line, 0 if none) and leaves *out unspecified.
 */
int ktstr_scenario_parse_buf(const char *name, const char *buf, size_t len,
			     struct ktstr_scenario *out, struct ktstr_diag *err);
int ktstr_scenario_parse_file(const char *path, struct ktstr_scenario *out,
			      struct ktstr_diag *err);

/*
 * Command-line overrides, then full re-validation (cpusets re-resolved
 * on the new topology; errors still name the file and line of the
 * offending spec).  NULL topology / 0 duration / 0 workers = keep.
 * workers replaces the default used by cgroups without their own
 * `workers` key.  On error *sc is left unchanged.
 */
int ktstr_scenario_apply_overrides(struct ktstr_scenario *sc,
				   const struct ktstr_topology *topology,
				   uint32_t duration_ms, uint32_t workers,
				   struct ktstr_diag *err);

/* Re-run every semantic check (used after overrides; parse calls it). */
int ktstr_scenario_validate(struct ktstr_scenario *sc, struct ktstr_diag *err);

/* Hold time of a FRAC/FIXED step in ms; LOOP -> 0 (runs to the deadline). */
uint32_t ktstr_scenario_hold_ms(const struct ktstr_scenario *sc, unsigned step);
/* Expected wall time of the step sequence in ms (for host timeouts). */
uint64_t ktstr_scenario_total_ms(const struct ktstr_scenario *sc);
/* Workers spawned over the whole run = worker reports to expect. */
uint32_t ktstr_scenario_total_workers(const struct ktstr_scenario *sc);
/* Index of a cgroup by name, or -1. */
int ktstr_scenario_cgroup_index(const struct ktstr_scenario *sc, const char *name);

/* Duration text as in scenario files ("2s", "1.5s", "500ms", "1m"). */
int ktstr_duration_parse_ms(const char *s, uint32_t *ms, struct ktstr_diag *err);

/* Names (the file syntax) of enum values; NULL when out of range. */
const char *ktstr_work_name(unsigned kind);
const char *ktstr_op_name(unsigned kind);
const char *ktstr_affinity_name(unsigned kind);
const char *ktstr_policy_name(unsigned kind);
/* Pair/group size a work type needs (2 for pair types), else 1. */
unsigned ktstr_work_group_size(unsigned kind);
/* "bursty(burst=50ms,sleep=100ms)", "spin" ... */
int ktstr_work_format(const struct ktstr_work *w, char *buf, size_t len);

/*
 * Cohorts: workers of one cgroup spawned by the same event (the cgroup's
 * start, an add_cgroup, or one spawn op).  They run the same phases, so
 * fairness compares workers within a cohort only.  `cpus` is the union of
 * every cpuset the cohort's cgroup(s) had while the cohort lived (all CPUs
 * for any phase without a cpuset): the host's expectation for isolation.
 */
struct ktstr_sc_cohort {
	uint16_t cgroup;	/* home cgroup index */
	uint16_t first_worker;	/* worker indices [first, first + n) */
	uint16_t nworkers;
	int16_t	 start_step;	/* -1 = before step 0 */
	int16_t	 end_step;	/* step whose op stopped it, nsteps = ran to the end */
	bool	 cpuset_changed; /* its allowed CPUs changed while it ran */
	struct ktstr_cpumask cpus;
};
#define KTSTR_SC_MAX_COHORTS (KTSTR_SC_MAX_CGROUPS + KTSTR_SC_MAX_OPS)

/* Fills out[0..return) (capacity KTSTR_SC_MAX_COHORTS); -1 if the scenario
 * is inconsistent (cannot happen after a successful validate). */
int ktstr_scenario_cohorts(const struct ktstr_scenario *sc, struct ktstr_sc_cohort *out,
			   size_t cap);

#endif /* KTSTR_SCENARIO_H */
