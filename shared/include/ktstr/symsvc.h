/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * symsvc.h — the symbol service's contract: the "kernel layout" (link-time
 * symbol values and BTF member offsets other components need to read guest
 * kernel state) and the request/reply messages on the symsvc ring pairs of
 * the control segment (ctl.h: COORD_TO_SYM/SYM_TO_COORD, MON_TO_SYM/
 * SYM_TO_MON).  Protocol and field list: docs/symsvc.md.
 *
 * Every request starts with struct ktstr_ctl_req (id != 0, absolute
 * CLOCK_MONOTONIC deadline); every reply with struct ktstr_ctl_rep (id and
 * type echoed, status 0 or -errno).  A request past its deadline is
 * answered -ETIMEDOUT.  Clients copy replies out of the ring and validate
 * them like any other peer data (sizes, NUL termination, version).
 */
#ifndef KTSTR_SYMSVC_H
#define KTSTR_SYMSVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktstr/wire.h"

/* Symbols (link-time st_value; per-CPU ones are section offsets). */
enum ktstr_ksym {
	KTSTR_KSYM_RUNQUEUES = 0,	/* per-CPU struct rq */
	KTSTR_KSYM_PER_CPU_OFFSET,	/* unsigned long[NR_CPUS] */
	KTSTR_KSYM_JIFFIES_64,
	KTSTR_KSYM_PAGE_OFFSET_BASE,
	KTSTR_KSYM_PHYS_BASE,
	KTSTR_KSYM_LINUX_BANNER,	/* "Linux version ..." (image delta probe) */
	KTSTR_KSYM_TEXT,		/* _text */
	KTSTR_KSYM_ENTRY_SYSCALL_64,
	KTSTR_KSYM_INIT_TOP_PGT,
	KTSTR_KSYM_PGTABLE_L5_ENABLED,
	/* sched_ext, 6.12 names (kernel/sched/ext.c) */
	KTSTR_KSYM_SCX_OPS,		/* struct sched_ext_ops (ops.name) */
	KTSTR_KSYM_SCX_ENABLE_STATE,	/* scx_ops_enable_state_var, atomic_t */
	KTSTR_KSYM_SCX_EXIT_KIND,	/* scx_exit_kind, atomic_t (SCX_EXIT_*) */
	KTSTR_KSYM_SCX_EXIT_INFO,	/* struct scx_exit_info * */
	KTSTR_KSYM_SCX_WATCHDOG_TIMEOUT,	/* unsigned long, jiffies */
	KTSTR_KSYM_SCX_WATCHDOG_TIMESTAMP,
	KTSTR_KSYM_SCX_BYPASS_DEPTH,	/* scx_ops_bypass_depth, int */
	KTSTR_KSYM_SCX_SWITCHING_ALL,	/* bool */
	KTSTR_KSYM_SCX_NR_REJECTED,	/* atomic_long_t */
	KTSTR_KSYM_SCX_ENABLE_SEQ,	/* atomic_long_t */
	KTSTR_KSYM_SCX_OPS_ENABLED_KEY,	/* __scx_ops_enabled static key */
	KTSTR_KSYM_SCX_ROOT,		/* 6.16+: struct scx_sched * (absent on 6.12) */
	KTSTR_KSYM_NR
};

/* BTF member offsets (bytes from the start of the named struct). */
enum ktstr_koff {
	KTSTR_KOFF_RQ_NR_RUNNING = 0,	/* rq.nr_running */
	KTSTR_KOFF_RQ_CLOCK,		/* rq.clock */
	KTSTR_KOFF_RQ_NR_SWITCHES,	/* rq.nr_switches */
	KTSTR_KOFF_RQ_CPU,		/* rq.cpu */
	KTSTR_KOFF_RQ_SCX_NR_RUNNING,	/* rq.scx.nr_running */
	KTSTR_KOFF_RQ_SCX_FLAGS,	/* rq.scx.flags */
	KTSTR_KOFF_RQ_SCX_LOCAL_DSQ_NR,	/* rq.scx.local_dsq.nr */
	KTSTR_KOFF_SCX_EXIT_INFO_KIND,	/* scx_exit_info.kind */
	KTSTR_KOFF_SCX_EXIT_INFO_REASON,	/* scx_exit_info.reason (char *) */
	KTSTR_KOFF_SCX_EXIT_INFO_MSG,	/* scx_exit_info.msg (char *) */
	KTSTR_KOFF_SCHED_EXT_OPS_NAME,	/* sched_ext_ops.name (char[128]) */
	KTSTR_KOFF_NR
};

#define KTSTR_KLAYOUT_VERSION 1u

/* The kernel layout, as published by symsvc. */
struct ktstr_klayout {
	uint32_t version;		/* KTSTR_KLAYOUT_VERSION */
	uint32_t nr_cpus_max;		/* size(__per_cpu_offset) / 8, 0 = unknown */
	uint64_t sym_have;		/* bit i: sym[i] resolved */
	uint64_t off_have;		/* bit i: off[i] resolved */
	uint64_t sym[KTSTR_KSYM_NR];
	uint32_t off[KTSTR_KOFF_NR];
	uint32_t off_size[KTSTR_KOFF_NR];	/* field sizes */
	uint32_t rq_size;		/* sizeof(struct rq) */
	uint32_t pad;
};

static inline bool ktstr_klayout_has_sym(const struct ktstr_klayout *k, enum ktstr_ksym s)
{
	return (unsigned)s < KTSTR_KSYM_NR && (k->sym_have >> s) & 1;
}

static inline bool ktstr_klayout_has_off(const struct ktstr_klayout *k, enum ktstr_koff o)
{
	return (unsigned)o < KTSTR_KOFF_NR && (k->off_have >> o) & 1;
}

const char *ktstr_ksym_name(enum ktstr_ksym s);		/* vmlinux symbol name */
const char *ktstr_koff_path(enum ktstr_koff o);		/* "rq.scx.local_dsq.nr" */
bool ktstr_ksym_required(enum ktstr_ksym s);		/* the monitor cannot work without */
bool ktstr_koff_required(enum ktstr_koff o);

/*
 * Validate a layout received from a peer: version, nr_cpus_max <= 8192,
 * every resolved offset + size <= rq_size for rq.* fields, have-bits only
 * for known entries.  0 or -1 with a message.
 */
int ktstr_klayout_check(const struct ktstr_klayout *k, char *err, size_t errlen);

/* ---- messages (ring record types) ---- */
#define KTSTR_SYM_MSG_LAYOUT	KTSTR_FOURCC('K', 'L', 'A', 'Q')	/* req: ktstr_ctl_req */
#define KTSTR_SYM_MSG_ADDR2SYM	KTSTR_FOURCC('A', '2', 'S', 'Q')
#define KTSTR_SYM_MSG_SYM2ADDR	KTSTR_FOURCC('S', '2', 'A', 'Q')
#define KTSTR_SYM_MSG_REPLY	KTSTR_FOURCC('S', 'R', 'E', 'P')	/* every reply */

#define KTSTR_SYM_NAME_MAX 128u

/* LAYOUT reply: struct ktstr_ctl_rep + struct ktstr_klayout. */

/* ADDR2SYM: nearest symbol at or below addr (link-time address). */
struct ktstr_sym_addr_req {
	uint64_t req_id, deadline_ns;	/* struct ktstr_ctl_req */
	uint64_t addr;
};
struct ktstr_sym_addr_rep {
	uint64_t req_id;		/* struct ktstr_ctl_rep */
	int32_t	 status;		/* 0, -ENOENT */
	uint32_t req_type;
	uint64_t offset;		/* addr - symbol value */
	char	 name[KTSTR_SYM_NAME_MAX];	/* NUL-terminated, cut if longer */
};

/* SYM2ADDR: link-time value of a symbol. */
struct ktstr_sym_name_req {
	uint64_t req_id, deadline_ns;
	char	 name[KTSTR_SYM_NAME_MAX];	/* NUL-terminated */
};
struct ktstr_sym_name_rep {
	uint64_t req_id;
	int32_t	 status;		/* 0, -ENOENT */
	uint32_t req_type;
	uint64_t value;
};

#endif /* KTSTR_SYMSVC_H */
