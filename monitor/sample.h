/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sample.h — reading one monitor sample out of guest RAM: per-CPU runqueue
 * fields via __per_cpu_offset[cpu] + runqueues -> direct map -> GPA ->
 * offset in the RAM mapping.  Every read is bounds-checked (kva.h); a CPU
 * whose reads fail is marked invalid, never guessed.
 */
#ifndef KTSTR_MONITOR_SAMPLE_H
#define KTSTR_MONITOR_SAMPLE_H

#include <stdint.h>

#include "eval.h"
#include "ktstr/kva.h"
#include "ktstr/symsvc.h"

/* sched_ext global state (informational; absent fields have have_* clear). */
struct kmon_scx {
	bool	 have_state, have_exit_kind, have_bypass, have_rejected;
	uint32_t enable_state;		/* SCX_OPS_ENABLING/ENABLED/DISABLING/DISABLED */
	uint32_t exit_kind;		/* SCX_EXIT_* */
	int32_t	 bypass_depth;
	uint64_t nr_rejected;
	char	 ops_name[64];		/* "" when unreadable */
};

struct kmon_src {
	const struct ktstr_gmem *gm;
	const struct ktstr_klayout *kl;
	uint32_t ncpus;			/* vCPUs to sample */
	/* derived by kmon_src_prepare() */
	bool	 prepared;
	uint64_t image_delta;		/* runtime GPA of a symbol = link - START + delta */
	struct ktstr_kva_xlate x;
};

/*
 * Find where the kernel image sits in guest RAM: the first 2 MiB-aligned
 * delta at which linux_banner reads "Linux version ".  0, or -EAGAIN (not
 * loaded yet: try again later).
 */
int kmon_src_prepare(struct kmon_src *src);

/*
 * Read one sample.  0; -EAGAIN when per-CPU areas are not set up yet
 * (every __per_cpu_offset entry read is 0: spec §5.3, retry later);
 * -EFAULT when __per_cpu_offset itself cannot be read.
 */
int kmon_sample_read(struct kmon_src *src, struct kmon_sample *s, uint64_t elapsed_ms);

/* sched_ext globals (6.12 names). */
void kmon_scx_read(struct kmon_src *src, struct kmon_scx *out);

const char *kmon_scx_state_name(uint32_t st);	/* "enabled", ... or "?" */

#endif
