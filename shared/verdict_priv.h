/* SPDX-License-Identifier: GPL-2.0-only */
/* verdict_priv.h — helpers shared by verdict*.c (not a public API). */
#ifndef KTSTR_VERDICT_PRIV_H
#define KTSTR_VERDICT_PRIV_H

#include <ktstr/verdict.h>

/* Judging context: one per ktstr_verdict_judge() call (heap). */
struct vd_ctx {
	const struct ktstr_verdict_input *in;
	const struct ktstr_scenario *sc;
	struct ktstr_verdict *v;
	struct ktstr_checks chk;
	double factor;
	const char *backend;
	int ncohorts;
	struct ktstr_sc_cohort cohorts[KTSTR_SC_MAX_COHORTS];
	bool valid[4096];		/* per report; reports beyond are ignored */
	int16_t cohort_of[4096];	/* per valid report */
	size_t nreports;		/* min(in->nreports, 4096) */
};

/* Guest-data checks: fill ctx->valid / cohort_of, add GUEST_DATA details. */
void vd_check_guest_data(struct vd_ctx *c);
/* Cohort index of (cgroup, worker), or -1. */
int vd_cohort_find(const struct vd_ctx *c, unsigned cgroup, unsigned worker);

__attribute__((format(printf, 8, 9)))
void vd_add(struct ktstr_verdict *v, enum ktstr_detail_kind kind, int cgroup, int worker,
	    uint32_t pid, double value, double threshold, const char *fmt, ...);
void vd_set_unit(struct ktstr_verdict *v, const char *unit, int cpu);

#endif
