/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire.h — the guest <-> host wire contract.
 *
 * Everything here crosses the trust boundary: the guest writes it, the
 * host validates every field before use.  All multi-byte fields are
 * little-endian on the wire (host and guest are both x86_64 today; the
 * encoders still go through ktstr_le*() so an arm64 port is a recompile).
 *
 * Values marked (spec) come from ktstr; values marked (ours) are this
 * project's own choices, picked from unused tags.
 */
#ifndef KTSTR_WIRE_H
#define KTSTR_WIRE_H

#include <stdint.h>

/* ---- TLV frame: 16-byte header, then `length` payload bytes. ---- */
#define KTSTR_FRAME_HDR_SIZE 16u

struct ktstr_frame_hdr {
	uint32_t msg_type;	/* four ASCII chars, see KTSTR_MSG_* */
	uint32_t length;	/* payload bytes */
	uint32_t crc32;		/* zlib crc32 over the payload only */
	uint32_t pad;		/* writers write 0; readers ignore */
};

#define KTSTR_FOURCC(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* Message types (spec unless marked). */
#define KTSTR_MSG_STIMULUS	  0x5354494Du /* STIM g->h 24-byte struct */
#define KTSTR_MSG_SCENARIO_START  0x53435354u /* SCST g->h empty */
#define KTSTR_MSG_SCENARIO_END	  0x5343454Eu /* SCEN g->h u64 elapsed_ms */
#define KTSTR_MSG_EXIT		  0x45584954u /* EXIT g->h i32 exit code */
#define KTSTR_MSG_TEST_RESULT	  0x54455354u /* TEST g->h struct ktstr_test_summary */
#define KTSTR_MSG_SCHED_EXIT	  0x53434458u /* SCDX g->h i32 scheduler exit status */
#define KTSTR_MSG_CRASH		  0x43525348u /* CRSH g->h UTF-8 panic text */
#define KTSTR_MSG_SNAPSHOT_REQ	  0x534E5251u /* SNRQ g->h 72 bytes */
#define KTSTR_MSG_SNAPSHOT_REPLY  0x534E5250u /* SNRP h->g 520 bytes */
#define KTSTR_MSG_SYS_RDY	  0x53524459u /* SRDY g->h empty: mounts done */
#define KTSTR_MSG_KERN_ADDRS	  0x4B414452u /* KADR g->h 24 bytes */
#define KTSTR_MSG_STDOUT	  0x534F5554u /* SOUT g->h raw chunk */
#define KTSTR_MSG_STDERR	  0x53455252u /* SERR g->h raw chunk */
#define KTSTR_MSG_SCHED_LOG	  0x53434C47u /* SCLG g->h scheduler log chunk */
#define KTSTR_MSG_LIFECYCLE	  0x4C494645u /* LIFE g->h u8 phase + reason */
#define KTSTR_MSG_EXEC_EXIT	  0x45584358u /* EXCX g->h i32 (shell --exec) */
#define KTSTR_MSG_DMESG		  0x444D5347u /* DMSG g->h kernel log */
#define KTSTR_MSG_WORKER_REPORT	  0x57525054u /* WRPT g->h struct ktstr_worker_report (ours) */
#define KTSTR_MSG_SCX_STATE	  0x53435853u /* SCXS g->h u8 state + text (ours) */

/* LIFECYCLE phase byte (1..4 spec, the rest ours). 0 and unknown are rejected. */
enum ktstr_life_phase {
	KTSTR_LIFE_INIT_STARTED		 = 1,
	KTSTR_LIFE_PAYLOAD_STARTING	 = 2,
	KTSTR_LIFE_SCHED_DIED		 = 3,
	KTSTR_LIFE_SCHED_NOT_ATTACHED	 = 4, /* reason: "timeout" / "sysfs absent" */
	KTSTR_LIFE_SCHED_ATTACHED	 = 5, /* reason: ops name */
	KTSTR_LIFE_INIT_ERROR		 = 6, /* reason: what failed (mount, cgroup, ...) */
	KTSTR_LIFE_SCHED_ERROR_EXIT	 = 7, /* sched_ext left "enabled" mid-run; reason: kernel text */
	KTSTR_LIFE_MAX			 = 7,
};

/* Snapshot request/reply (spec, exact). */
#define KTSTR_SNAPSHOT_TAG_MAX	  64u
#define KTSTR_SNAPSHOT_REASON_MAX 512u
#define KTSTR_SNAPSHOT_REQ_SIZE	  72u	/* u32 id, u32 kind, u8 tag[64] */
#define KTSTR_SNAPSHOT_REPLY_SIZE 520u	/* u32 id, u32 status, u8 reason[512] */
#define KTSTR_SNAPSHOT_KIND_NONE    0u
#define KTSTR_SNAPSHOT_KIND_CAPTURE 1u
#define KTSTR_SNAPSHOT_KIND_WATCH   2u
#define KTSTR_SNAPSHOT_STATUS_OK    1u
#define KTSTR_SNAPSHOT_STATUS_ERR   2u

/* STIMULUS payload, 24 bytes (spec). */
struct ktstr_stimulus {
	uint32_t elapsed_ms;
	uint16_t step_index;
	uint16_t op_count;
	uint32_t op_kinds;
	uint16_t cgroup_count;
	uint16_t worker_count;
	uint64_t total_iterations;
};
_Static_assert(sizeof(struct ktstr_stimulus) == 24, "STIMULUS is 24 bytes");

/* ---- Shared-memory region in guest physical memory ----
 *
 * The VMM reserves the top KTSTR_SHM_DEFAULT_SIZE bytes of guest RAM
 * (kernel args `memmap=SIZE$BASE KTSTR_SHM_BASE=0x.. KTSTR_SHM_SIZE=0x..`)
 * and initialises both ring headers before boot.  Layout:
 *
 *   [base, base + size - H2G)      guest -> host ring (header + data)
 *   [base + size - H2G, base+size) host -> guest ring (header + data)
 *
 * Each ring is an SPSC byte ring of whole TLV frames that wrap byte-wise
 * (ktstr v0.4.9 layout).  The signal slots of the g->h ring header are
 * the region's signal slots.
 */
#define KTSTR_SHM_DEFAULT_SIZE	  (16u << 20)
#define KTSTR_SHM_H2G_SIZE	  (64u << 10)
#define KTSTR_RING_MAGIC	  0x53544D52u /* "STMR" */
#define KTSTR_RING_VERSION	  1u
#define KTSTR_RING_HDR_SIZE	  40u
#define KTSTR_RING_MAX_CAPACITY	  (1u << 30)

struct ktstr_ring_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t capacity;	/* data bytes following the header */
	uint8_t  dump_req;	/* host writes 'D': guest triggers SysRq-D, writes 0 */
	uint8_t  stall_req;	/* host writes 'S' (debug only) */
	uint8_t  signal[2];	/* see KTSTR_SIG_* */
	uint64_t write_ptr;	/* total bytes ever produced (monotonic) */
	uint64_t read_ptr;	/* total bytes ever consumed (monotonic) */
	uint64_t drops;		/* frames the producer discarded (full) */
};
_Static_assert(sizeof(struct ktstr_ring_hdr) == KTSTR_RING_HDR_SIZE, "ring header is 40 bytes");

/* Signal slot 0: host -> guest.  Slot 1: guest -> host. */
#define KTSTR_SIG_SHUTDOWN	  0xDDu	/* slot 0: graceful shutdown request */
#define KTSTR_SIG_SCHED_LOADED	  1u	/* slot 1: scheduler attached, maps enumerable */

/* ---- Test results (ours; the spec allows a fixed C struct) ----
 *
 * One WORKER_REPORT frame per worker, then one TEST_RESULT frame with
 * the summary.  The host recomputes every verdict from these numbers
 * and the scenario file it already parsed; the guest never judges.
 */
#define KTSTR_MAX_CPUS		  256u
#define KTSTR_CPUMASK_BYTES	  (KTSTR_MAX_CPUS / 8u)
#define KTSTR_NAME_MAX		  32u
#define KTSTR_REPORT_VERSION	  1u

#define KTSTR_WR_COMPLETED	  (1u << 0) /* worker stopped normally and reported */
#define KTSTR_WR_SIGNALED	  (1u << 1) /* worker died from a signal */
#define KTSTR_WR_TIMED_OUT	  (1u << 2) /* worker did not report in time; killed */

struct ktstr_worker_report {
	uint32_t version;		/* KTSTR_REPORT_VERSION */
	uint16_t cgroup;		/* index of the cgroup in the scenario */
	uint16_t worker;		/* index of the worker within its cgroup */
	uint32_t pid;
	uint32_t flags;			/* KTSTR_WR_* */
	char	 cgroup_name[KTSTR_NAME_MAX];	/* NUL-padded */
	char	 work_type[KTSTR_NAME_MAX];	/* NUL-padded */
	uint64_t work_units;
	uint64_t iterations;
	uint64_t cpu_time_ns;
	uint64_t wall_time_ns;
	uint64_t off_cpu_ns;		/* wall - cpu */
	uint64_t migrations;
	uint64_t max_gap_ns;		/* longest time between two checkpoints */
	uint64_t max_gap_at_ns;		/* when it ended, since the worker started */
	uint32_t max_gap_cpu;
	uint32_t ncpus_used;
	uint64_t wake_lat_p50_ns;
	uint64_t wake_lat_p99_ns;
	uint64_t wake_lat_max_ns;
	uint64_t wake_samples;
	uint64_t run_delay_ns;		/* /proc/self/schedstat field 2 delta */
	uint64_t run_count;		/* /proc/self/schedstat field 3 delta */
	uint8_t	 cpus_used[KTSTR_CPUMASK_BYTES];
	uint8_t	 cpus_allowed[KTSTR_CPUMASK_BYTES]; /* union of its cpusets over the run */
};
_Static_assert(sizeof(struct ktstr_worker_report) == 264, "worker report is 264 bytes");

/* scheduler fate as seen from inside the guest */
enum ktstr_sched_fate {
	KTSTR_SCHED_NONE	  = 0,	/* no BPF scheduler (EEVDF) */
	KTSTR_SCHED_RAN		  = 1,	/* attached and still attached at the end */
	KTSTR_SCHED_DIED	  = 2,	/* process exited during the run */
	KTSTR_SCHED_NOT_ATTACHED  = 3,
	KTSTR_SCHED_ERROR_EXIT	  = 4,	/* kernel disabled it (error/stall) */
};

struct ktstr_test_summary {
	uint32_t version;		/* KTSTR_REPORT_VERSION */
	uint32_t nworkers;		/* WORKER_REPORT frames sent before this */
	uint32_t ncgroups;
	uint32_t steps_done;
	uint32_t steps_total;
	uint32_t sched_fate;		/* enum ktstr_sched_fate */
	int32_t	 sched_exit_status;	/* wait status if it died, else 0 */
	uint32_t sched_fate_at_ms;	/* when the fate changed, since scenario start */
	uint64_t elapsed_ms;		/* scenario wall time */
	char	 sched_ops[KTSTR_NAME_MAX];	/* /sys/kernel/sched_ext/root/ops */
	char	 scx_exit_reason[128];	/* kernel's exit text if disabled, NUL-padded */
};
_Static_assert(sizeof(struct ktstr_test_summary) == 200, "test summary is 200 bytes");

#endif /* KTSTR_WIRE_H */
