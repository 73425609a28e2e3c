// SPDX-License-Identifier: GPL-2.0-only
/*
 * klayout.c — names of the kernel-layout entries symsvc resolves, and the
 * validation every client applies to a layout it receives.
 */
#include <stdio.h>
#include <string.h>

#include "ktstr/symsvc.h"

static const char *const ksym_names[KTSTR_KSYM_NR] = {
	[KTSTR_KSYM_RUNQUEUES]		= "runqueues",
	[KTSTR_KSYM_PER_CPU_OFFSET]	= "__per_cpu_offset",
	[KTSTR_KSYM_JIFFIES_64]		= "jiffies_64",
	[KTSTR_KSYM_PAGE_OFFSET_BASE]	= "page_offset_base",
	[KTSTR_KSYM_PHYS_BASE]		= "phys_base",
	[KTSTR_KSYM_LINUX_BANNER]	= "linux_banner",
	[KTSTR_KSYM_TEXT]		= "_text",
	[KTSTR_KSYM_ENTRY_SYSCALL_64]	= "entry_SYSCALL_64",
	[KTSTR_KSYM_INIT_TOP_PGT]	= "init_top_pgt",
	[KTSTR_KSYM_PGTABLE_L5_ENABLED]	= "__pgtable_l5_enabled",
	[KTSTR_KSYM_SCX_OPS]		= "scx_ops",
	[KTSTR_KSYM_SCX_ENABLE_STATE]	= "scx_ops_enable_state_var",
	[KTSTR_KSYM_SCX_EXIT_KIND]	= "scx_exit_kind",
	[KTSTR_KSYM_SCX_EXIT_INFO]	= "scx_exit_info",
	[KTSTR_KSYM_SCX_WATCHDOG_TIMEOUT]	= "scx_watchdog_timeout",
	[KTSTR_KSYM_SCX_WATCHDOG_TIMESTAMP]	= "scx_watchdog_timestamp",
	[KTSTR_KSYM_SCX_BYPASS_DEPTH]	= "scx_ops_bypass_depth",
	[KTSTR_KSYM_SCX_SWITCHING_ALL]	= "scx_switching_all",
	[KTSTR_KSYM_SCX_NR_REJECTED]	= "scx_nr_rejected",
	[KTSTR_KSYM_SCX_ENABLE_SEQ]	= "scx_enable_seq",
	[KTSTR_KSYM_SCX_OPS_ENABLED_KEY]	= "__scx_ops_enabled",
	[KTSTR_KSYM_SCX_ROOT]		= "scx_root",
};

static const char *const koff_paths[KTSTR_KOFF_NR] = {
	[KTSTR_KOFF_RQ_NR_RUNNING]	= "rq.nr_running",
	[KTSTR_KOFF_RQ_CLOCK]		= "rq.clock",
	[KTSTR_KOFF_RQ_NR_SWITCHES]	= "rq.nr_switches",
	[KTSTR_KOFF_RQ_CPU]		= "rq.cpu",
	[KTSTR_KOFF_RQ_SCX_NR_RUNNING]	= "rq.scx.nr_running",
	[KTSTR_KOFF_RQ_SCX_FLAGS]	= "rq.scx.flags",
	[KTSTR_KOFF_RQ_SCX_LOCAL_DSQ_NR]	= "rq.scx.local_dsq.nr",
	[KTSTR_KOFF_SCX_EXIT_INFO_KIND]	= "scx_exit_info.kind",
	[KTSTR_KOFF_SCX_EXIT_INFO_REASON]	= "scx_exit_info.reason",
	[KTSTR_KOFF_SCX_EXIT_INFO_MSG]	= "scx_exit_info.msg",
	[KTSTR_KOFF_SCHED_EXT_OPS_NAME]	= "sched_ext_ops.name",
};

_Static_assert(KTSTR_KSYM_NR <= 64 && KTSTR_KOFF_NR <= 64, "have-bits fit a u64");

const char *ktstr_ksym_name(enum ktstr_ksym s)
{
	return (unsigned)s < KTSTR_KSYM_NR ? ksym_names[s] : "?";
}

const char *ktstr_koff_path(enum ktstr_koff o)
{
	return (unsigned)o < KTSTR_KOFF_NR ? koff_paths[o] : "?";
}

bool ktstr_ksym_required(enum ktstr_ksym s)
{
	/* page_offset_base exists only with CONFIG_RANDOMIZE_MEMORY: optional */
	return s == KTSTR_KSYM_RUNQUEUES || s == KTSTR_KSYM_PER_CPU_OFFSET ||
	       s == KTSTR_KSYM_LINUX_BANNER;
}

bool ktstr_koff_required(enum ktstr_koff o)
{
	return o == KTSTR_KOFF_RQ_NR_RUNNING || o == KTSTR_KOFF_RQ_CLOCK;
}

int ktstr_klayout_check(const struct ktstr_klayout *k, char *err, size_t errlen)
{
	if (k->version != KTSTR_KLAYOUT_VERSION) {
		snprintf(err, errlen, "kernel layout version %u, want %u", k->version,
			 KTSTR_KLAYOUT_VERSION);
		return -1;
	}
	if (k->nr_cpus_max > 8192 || (k->sym_have >> KTSTR_KSYM_NR) || (k->off_have >> KTSTR_KOFF_NR)) {
		snprintf(err, errlen, "kernel layout: impossible header (nr_cpus_max %u)", k->nr_cpus_max);
		return -1;
	}
	for (unsigned i = 0; i < KTSTR_KOFF_NR; i++) {
		if (!ktstr_klayout_has_off(k, i))
			continue;
		if (k->off_size[i] == 0 || k->off_size[i] > 4096 ||
		    (strncmp(koff_paths[i], "rq.", 3) == 0 &&
		     (uint64_t)k->off[i] + k->off_size[i] > k->rq_size)) {
			snprintf(err, errlen, "kernel layout: %s at +%u (%u bytes) outside struct rq "
				 "(%u bytes)", koff_paths[i], k->off[i], k->off_size[i], k->rq_size);
			return -1;
		}
	}
	for (unsigned i = 0; i < KTSTR_KSYM_NR; i++)
		if (ktstr_ksym_required(i) && !ktstr_klayout_has_sym(k, i)) {
			snprintf(err, errlen, "kernel layout: required symbol %s missing", ksym_names[i]);
			return -1;
		}
	for (unsigned i = 0; i < KTSTR_KOFF_NR; i++)
		if (ktstr_koff_required(i) && !ktstr_klayout_has_off(k, i)) {
			snprintf(err, errlen, "kernel layout: required field %s missing", koff_paths[i]);
			return -1;
		}
	return 0;
}
