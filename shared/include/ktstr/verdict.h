/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * verdict.h — judging a run: pure functions from the guest's worker
 * reports and test summary (wire.h), the scenario, the effective checks
 * and the backend's time-scale factor to a pass/fail verdict with one
 * detail per failed check (check kind, cgroup, worker, CPU, the measured
 * number, the threshold, and a one-line message) plus per-cgroup stats.
 *
 * The guest is untrusted: reports are validated first; inconsistent data
 * is a failed GUEST_DATA check, never a crash, and invalid reports take
 * no part in the other checks.  Thresholds are never loosened silently:
 * a scaled threshold shows the base value and the factor in its message.
 */
#ifndef KTSTR_VERDICT_H
#define KTSTR_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/diag.h>
#include <ktstr/scenario.h>
#include <ktstr/wire.h>

enum ktstr_detail_kind {
	KTSTR_DETAIL_STARVED = 0,
	KTSTR_DETAIL_UNFAIR,
	KTSTR_DETAIL_STUCK,
	KTSTR_DETAIL_ISOLATION,
	KTSTR_DETAIL_SCHED_DIED,
	KTSTR_DETAIL_SCHED_NOT_ATTACHED,
	KTSTR_DETAIL_SCHED_ERROR,
	KTSTR_DETAIL_GUEST_DATA,
	KTSTR_DETAIL_MONITOR,
	KTSTR_DETAIL_OTHER,
	KTSTR_DETAIL_NR,
};

#define KTSTR_VERDICT_MSG_MAX	  256u
#define KTSTR_VERDICT_MAX_DETAILS 64u

struct ktstr_verdict_detail {
	uint8_t	 kind;		/* enum ktstr_detail_kind */
	int16_t	 cgroup;	/* -1 = none */
	int32_t	 worker;	/* index within the cgroup, -1 = none */
	int32_t	 cpu;		/* -1 = none */
	uint32_t pid;		/* 0 = none */
	double	 value;		/* measured (in `unit`) */
	double	 threshold;	/* effective threshold (in `unit`), 0 if none */
	char	 unit[8];	/* "ms", "%", "" */
	char	 message[KTSTR_VERDICT_MSG_MAX];
};

struct ktstr_cgroup_stats {
	char	 name[KTSTR_SC_NAME_MAX];
	uint32_t workers;	/* valid reports */
	uint32_t cpus;		/* CPUs its workers ran on (union) */
	double	 spread_pct;	/* worst cohort spread, -1 = not measured */
	double	 min_off_pct, max_off_pct; /* of the worst cohort */
	uint64_t worst_gap_ms;
	uint64_t migrations;
	uint64_t iterations;
	uint64_t work_units;
};

struct ktstr_verdict {
	bool	 passed;
	uint32_t ndetails;	/* stored, <= KTSTR_VERDICT_MAX_DETAILS */
	uint32_t dropped;	/* failures beyond the array (counted, passed=false) */
	struct ktstr_verdict_detail details[KTSTR_VERDICT_MAX_DETAILS];
	uint32_t ncgroups;
	struct ktstr_cgroup_stats cgroups[KTSTR_SC_MAX_CGROUPS];
	/* totals */
	uint32_t workers, cpus;
	uint64_t migrations;
	double	 worst_spread_pct;	/* -1 = not measured */
	uint64_t worst_gap_ms;
	/* the effective thresholds used */
	double	 time_factor;
	uint32_t gap_threshold_ms;	/* after the factor */
};
/* ~20 KiB: allocate it. */

/*
 * Backend time-scale factors for time-based thresholds (max gap).  Values
 * and justification in docs/scenarios.md.  Unknown backend -> 1.0.
 */
#define KTSTR_TIME_FACTOR_KVM	   1.0
#define KTSTR_TIME_FACTOR_QEMU_TCG 2.5
double ktstr_backend_time_factor(const char *backend);

struct ktstr_verdict_input {
	const struct ktstr_scenario *sc;	/* validated (after overrides) */
	const struct ktstr_checks *checks;	/* NULL = defaults <- sc->checks */
	const struct ktstr_worker_report *reports; /* decoded, see below */
	size_t	 nreports;
	size_t	 nbad_frames;		/* WRPT frames that failed to decode */
	const struct ktstr_test_summary *summary; /* NULL = none received */
	bool	 expect_sched;		/* a BPF scheduler was requested */
	const char *backend;		/* "kvm", "qemu-tcg", ... (messages) */
	double	 time_factor;		/* <= 0: ktstr_backend_time_factor(backend) */
};

/*
 * Decode a WRPT / TEST payload (exact size, version, little-endian) into
 * an aligned struct.  0 / -1 + err.  Field validation is the verdict's.
 */
int ktstr_worker_report_decode(const void *buf, size_t len,
			       struct ktstr_worker_report *out, struct ktstr_diag *err);
int ktstr_test_summary_decode(const void *buf, size_t len,
			      struct ktstr_test_summary *out, struct ktstr_diag *err);

/* Judge.  Always fills *out; returns 0 (pass) or 1 (fail), -1 on bad
 * arguments (NULL sc/out). */
int ktstr_verdict_judge(const struct ktstr_verdict_input *in, struct ktstr_verdict *out);

/* Append a failure from another source (monitor, VMM, ...). */
__attribute__((format(printf, 7, 8)))
void ktstr_verdict_add(struct ktstr_verdict *v, enum ktstr_detail_kind kind, int cgroup,
		       int worker, double value, double threshold, const char *fmt, ...);

const char *ktstr_detail_kind_name(unsigned kind);	/* "starved", "unfair", ... */

/*
 * The §8.3 stats block:
 *   "<W> workers, <C> cpus, <M> migrations, worst_spread=<p>%, worst_gap=<ms>ms\n"
 *   "  cg0: workers=2 cpus=2 spread=5.1% gap=350ms migrations=4 iter=15230\n" ...
 * snprintf-style return.
 */
int ktstr_verdict_format_stats(const struct ktstr_verdict *v, char *buf, size_t len);

#endif /* KTSTR_VERDICT_H */
