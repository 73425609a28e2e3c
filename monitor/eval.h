/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eval.h — monitor samples and the threshold evaluation of spec §6:
 * imbalance ratio, local DSQ depth and rq_clock stalls, each violation
 * counted only when it holds for `sustained_samples` consecutive samples.
 * Pure: fed one sample at a time, no I/O (the process writes the results).
 */
#ifndef KTSTR_MONITOR_EVAL_H
#define KTSTR_MONITOR_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktstr/wire.h"

#define KMON_MAX_CPUS		KTSTR_MAX_CPUS
#define KMON_DSQ_PLAUSIBLE_MAX	10000u	/* DSQ_PLAUSIBILITY_CEILING */
#define KMON_NR_PLAUSIBLE_MAX	100000u	/* more runnable tasks on one CPU: garbage */
#define KMON_MAX_DETAILS	16u
#define KMON_DETAIL_MAX		256u

struct kmon_cpu {
	bool	 valid;			/* every read of this CPU succeeded */
	bool	 implausible;		/* read, but not believable (see eval.c) */
	bool	 have_vcpu;		/* vcpu_ns is a real reading */
	uint32_t nr_running;
	uint32_t scx_nr_running;
	uint32_t local_dsq_depth;
	uint32_t scx_flags;
	uint64_t rq_clock;
	uint64_t nr_switches;
	uint64_t vcpu_ns;		/* host CPU time of the vCPU thread */
};

struct kmon_sample {
	uint64_t elapsed_ms;
	uint32_t ncpus;
	struct kmon_cpu cpu[KMON_MAX_CPUS];
};

struct kmon_thresholds {
	double	 max_imbalance_ratio;	/* 4.0 */
	uint32_t max_local_dsq_depth;	/* 50 */
	bool	 fail_on_stall;		/* true */
	uint32_t sustained_samples;	/* 5 */
	uint64_t preempt_threshold_ns;	/* 10 ticks = 10 * 1e9 / HZ */
};

/* Spec defaults; hz <= 0 means 250 (threshold 40 ms). */
void kmon_thresholds_default(struct kmon_thresholds *t, int hz);

/* A sustained run of one violation. */
struct kmon_run {
	uint32_t len;		/* consecutive bad samples so far */
	double	 worst;		/* worst value seen in the run */
	uint64_t clock;		/* stall: the stuck clock value */
};

struct kmon_eval {
	struct kmon_thresholds th;
	uint64_t samples;		/* fed */
	uint64_t implausible;		/* samples with an implausible CPU */
	uint64_t valid;			/* samples used for the checks */
	struct kmon_sample prev;
	bool	 have_prev;
	uint64_t first_clock;
	bool	 have_clock, clock_varied;
	struct kmon_run imb;
	struct kmon_run dsq[KMON_MAX_CPUS];
	struct kmon_run stall[KMON_MAX_CPUS];
	/* summary */
	double	 max_imbalance;
	uint32_t max_dsq;
	uint32_t max_dsq_cpu;
	uint64_t stuck;			/* stall runs that reached the threshold */
	double	 sum_imbalance, sum_nr_per_cpu, sum_dsq_per_cpu;
	/* failures, in order of detection */
	uint32_t ndetails, dropped;
	char	 details[KMON_MAX_DETAILS][KMON_DETAIL_MAX];
};

void kmon_eval_init(struct kmon_eval *e, const struct kmon_thresholds *th);
/* Feed one sample (index = e->samples before the call). */
void kmon_eval_add(struct kmon_eval *e, const struct kmon_sample *s);
/* Close the open runs (end of the run): a run long enough counts. */
void kmon_eval_finish(struct kmon_eval *e);

/* Imbalance over the valid CPUs: max(nr) / max(1, min(nr)); 1.0 if < 2 CPUs. */
double kmon_imbalance(const struct kmon_sample *s);
/* Is CPU @c stalled between @prev and @cur (spec §6 stall rule)? */
bool kmon_cpu_stalled(const struct kmon_cpu *prev, const struct kmon_cpu *cur,
		      uint64_t preempt_threshold_ns);
/* Mark CPUs whose numbers are not believable; true if any is. */
bool kmon_sample_mark_implausible(struct kmon_sample *s);

enum kmon_outcome {
	KMON_PASS = 0,			/* "monitor OK" */
	KMON_PASS_NO_SAMPLES,		/* "no monitor samples" */
	KMON_PASS_NOT_INITIALIZED,	/* "monitor data not yet initialized" */
	KMON_FAIL,
};
enum kmon_outcome kmon_eval_outcome(const struct kmon_eval *e);

/*
 * Summary lines (spec §6 rendering), one per call index 0.. until it
 * returns 0: "samples=41 max_imbalance=2.00 max_dsq_depth=0 stuck=0",
 * "avg: imbalance=... nr_running/cpu=... dsq/cpu=...", then the verdict
 * line(s): "verdict: monitor OK" or one "verdict: <detail>" per failure.
 * snprintf-style return.
 */
int kmon_eval_line(const struct kmon_eval *e, unsigned idx, char *buf, size_t len);

#endif
