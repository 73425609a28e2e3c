/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl.h — the per-run control segment shared by ktstr's host processes.
 *
 * `/dev/shm/ktstr-<run-id>-ctl` (mode 0600) is created by ktstr-vmm and
 * mapped read-write by ktstr-coord, ktstr-symsvc and ktstr-monitor.  It
 * holds:
 *   - a header with run facts (run id, guest RAM object and size, guest shm
 *     region GPA/size, vCPU count, VM state);
 *   - one slot per component: pid, state, heartbeat (counter + CLOCK_MONOTONIC
 *     ns), restart count — how everyone notices a dead or hung peer;
 *   - the SPSC rings (spsc.h) between the processes, one per direction.
 *
 * The segment is built under a temporary name and rename()d into place, so
 * an opener never sees a half-initialised one.  ktstr_ctl_open() validates
 * magic, version, sizes and every ring descriptor with a clear message.
 *
 * Requests carry a request id and an absolute CLOCK_MONOTONIC deadline
 * (all processes run on one host, so the clock is shared); replies echo the
 * id.  A consumer that restarts may find replies to its predecessor's
 * requests: match ids, drop the rest.
 */
#ifndef KTSTR_CTL_H
#define KTSTR_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "ktstr/log.h"	/* KTSTR_RUN_ID_MAX */
#include "ktstr/spsc.h"
#include "ktstr/wire.h"

#define KTSTR_CTL_MAGIC		0x4C54434Bu	/* "KCTL" little-endian */
#define KTSTR_CTL_VERSION	1u
#define KTSTR_CTL_HDR_SIZE	4096u		/* rings start at this offset or later */
#define KTSTR_CTL_SHM_DIR	"/dev/shm"

enum ktstr_comp {
	KTSTR_COMP_VMM		= 0,
	KTSTR_COMP_COORD	= 1,
	KTSTR_COMP_SYMSVC	= 2,
	KTSTR_COMP_MONITOR	= 3,
	KTSTR_COMP_MAX		= 4,
};

enum ktstr_comp_state {
	KTSTR_STATE_NONE	= 0,	/* never registered */
	KTSTR_STATE_STARTING	= 1,
	KTSTR_STATE_READY	= 2,
	KTSTR_STATE_STOPPING	= 3,
	KTSTR_STATE_DEAD	= 4,	/* set by itself on exit, or by whoever noticed */
};

enum ktstr_vm_state {
	KTSTR_VM_CREATED	= 0,
	KTSTR_VM_RUNNING	= 1,
	KTSTR_VM_FROZEN		= 2,
	KTSTR_VM_EXITED		= 3,
};

/* Ring directory.  Producer -> consumer in the name. */
enum ktstr_ctl_ring {
	KTSTR_CTL_RING_VMM_TO_COORD	= 0,	/* replies + events (forwarded guest frames) */
	KTSTR_CTL_RING_COORD_TO_VMM	= 1,	/* requests: freeze, thaw, regs, status, watch */
	KTSTR_CTL_RING_COORD_TO_SYM	= 2,	/* symbol requests (symsvc defines payloads) */
	KTSTR_CTL_RING_SYM_TO_COORD	= 3,
	KTSTR_CTL_RING_MON_TO_SYM	= 4,
	KTSTR_CTL_RING_SYM_TO_MON	= 5,
	KTSTR_CTL_RING_MON_TO_VMM	= 6,	/* same request set as coord->vmm (regs, status) */
	KTSTR_CTL_RING_VMM_TO_MON	= 7,
	KTSTR_CTL_RING_MON_SAMPLES	= 8,	/* monitor -> live viewer (optional consumer) */
	KTSTR_CTL_NRINGS		= 9,
};

/* One component's slot: one cache line, written by that component (state
 * DEAD may also be written by whoever noticed the death). */
struct ktstr_ctl_comp_slot {
	uint32_t pid;		/* 0 = never registered */
	uint32_t state;		/* enum ktstr_comp_state */
	uint64_t heartbeat;	/* bumped by ktstr_ctl_heartbeat() */
	uint64_t heartbeat_ns;	/* CLOCK_MONOTONIC of the last bump */
	uint64_t started_ns;	/* CLOCK_MONOTONIC of the last register */
	uint32_t restarts;	/* registrations after the first */
	uint32_t state_seq;	/* futex: bumped on every state change */
	uint8_t  pad[64 - 40];
};
_Static_assert(sizeof(struct ktstr_ctl_comp_slot) == 64, "component slot is one cache line");

struct ktstr_ctl_ring_desc {
	uint32_t id;		/* enum ktstr_ctl_ring */
	uint32_t capacity;	/* data bytes */
	uint64_t offset;	/* from segment start, 64-byte aligned */
	uint64_t size;		/* ktstr_spsc_size(capacity) */
};

/* Run facts written by the VMM at creation (and vm_state later). */
struct ktstr_ctl_info {
	char	 ram_shm[128];	/* guest RAM object path, e.g. /dev/shm/ktstr-<id>-ram */
	uint64_t ram_size;	/* bytes */
	uint64_t shm_gpa;	/* guest shm region (wire.h layout), guest-physical */
	uint64_t shm_size;
	uint32_t nr_vcpus;
	uint32_t ring_cap[KTSTR_CTL_NRINGS];	/* 0 = default (KTSTR_CTL_DEFAULT_CAP_*) */
};

#define KTSTR_CTL_DEFAULT_CAP_VMM	(256u << 10)	/* vmm<->coord, vmm<->mon */
#define KTSTR_CTL_DEFAULT_CAP_SYM	(64u << 10)	/* symsvc pairs */
#define KTSTR_CTL_DEFAULT_CAP_SAMPLES	(1u << 20)

struct ktstr_ctl_hdr {
	uint32_t magic;
	uint32_t version;
	uint64_t size;		/* total segment bytes == file size */
	uint32_t hdr_size;	/* KTSTR_CTL_HDR_SIZE */
	uint32_t nrings;	/* KTSTR_CTL_NRINGS */
	uint64_t created_ns;
	uint32_t creator_pid;
	uint32_t vm_state;	/* enum ktstr_vm_state, written by the VMM */
	uint64_t vm_state_ns;	/* when vm_state last changed */
	char	 run_id[KTSTR_RUN_ID_MAX];
	char	 ram_shm[128];
	uint64_t ram_size;
	uint64_t shm_gpa;
	uint64_t shm_size;
	uint32_t nr_vcpus;
	uint32_t vm_state_seq;	/* futex: bumped on every vm_state change */
	uint8_t  pad0[512 - 272];
	struct ktstr_ctl_comp_slot comp[KTSTR_COMP_MAX];	/* at 512 */
	struct ktstr_ctl_ring_desc rings[KTSTR_CTL_NRINGS];	/* at 768 */
};
_Static_assert(offsetof(struct ktstr_ctl_hdr, comp) == 512, "component slots at 512");
_Static_assert(sizeof(struct ktstr_ctl_hdr) <= KTSTR_CTL_HDR_SIZE, "ctl header fits its page");

/* Process-private handle. */
struct ktstr_ctl {
	int fd;
	int owner;		/* 1: created here (unlink on ktstr_ctl_unlink) */
	struct ktstr_ctl_hdr *hdr;
	void *base;
	size_t size;
	char path[160];
	/* validated copy of the ring directory (never re-read from the segment) */
	struct ktstr_ctl_ring_desc rings[KTSTR_CTL_NRINGS];
};

/* "/dev/shm/ktstr-<run_id>-ctl" into buf; -EINVAL bad run id, -ENAMETOOLONG. */
int ktstr_ctl_path(const char *run_id, char *buf, size_t len);
/* 0 if run_id is acceptable (ktstr_run_id_valid), else -EINVAL. */
int ktstr_ctl_run_id_valid(const char *run_id);

/*
 * Create the segment (ktstr-vmm).  Fails with -EEXIST if it already exists.
 * On error returns -errno and writes a message naming the path to err.
 */
int ktstr_ctl_create(struct ktstr_ctl *ctl, const char *run_id, const struct ktstr_ctl_info *info,
		     char *err, size_t errlen);

/* Open and validate an existing segment by path. */
int ktstr_ctl_open(struct ktstr_ctl *ctl, const char *path, char *err, size_t errlen);

void ktstr_ctl_close(struct ktstr_ctl *ctl);
/* Remove the name (the mapping stays valid until close). */
int ktstr_ctl_unlink(struct ktstr_ctl *ctl);

/* ---- component slots ---- */

/* Claim `comp` for this process: pid, STARTING, heartbeat now; counts restarts. */
int ktstr_ctl_register(struct ktstr_ctl *ctl, enum ktstr_comp comp);
void ktstr_ctl_set_state(struct ktstr_ctl *ctl, enum ktstr_comp comp, enum ktstr_comp_state st);
void ktstr_ctl_heartbeat(struct ktstr_ctl *ctl, enum ktstr_comp comp);

/* Consistent-enough copy of a slot (fields read with acquire ordering). */
void ktstr_ctl_comp_get(const struct ktstr_ctl *ctl, enum ktstr_comp comp,
			struct ktstr_ctl_comp_slot *out);

enum ktstr_peer_health {
	KTSTR_PEER_ABSENT	= 0,	/* never registered */
	KTSTR_PEER_ALIVE	= 1,
	KTSTR_PEER_STALE	= 2,	/* process exists, heartbeat older than stale_ns */
	KTSTR_PEER_DEAD		= 3,	/* state DEAD or the pid is gone */
};
/* Judge a peer at `now_ns` (CLOCK_MONOTONIC). */
enum ktstr_peer_health ktstr_ctl_peer_health(const struct ktstr_ctl *ctl, enum ktstr_comp comp,
					     uint64_t stale_ns, uint64_t now_ns);
/* pidfd_open() of the pid in the slot: fd, or -ESRCH (none/gone), -errno. */
int ktstr_ctl_peer_pidfd(const struct ktstr_ctl *ctl, enum ktstr_comp comp);

void ktstr_ctl_set_vm_state(struct ktstr_ctl *ctl, enum ktstr_vm_state st);

const char *ktstr_comp_name(enum ktstr_comp comp);	/* "vmm", "coord", ... */
const char *ktstr_comp_state_name(uint32_t st);

/* ---- rings ---- */

/* Which components produce/consume a ring (for peer pidfds and docs). */
enum ktstr_comp ktstr_ctl_ring_producer(enum ktstr_ctl_ring r);
enum ktstr_comp ktstr_ctl_ring_consumer(enum ktstr_ctl_ring r);

int ktstr_ctl_ring_prod(struct ktstr_ctl *ctl, enum ktstr_ctl_ring r, struct ktstr_spsc_prod *p);
int ktstr_ctl_ring_cons(struct ktstr_ctl *ctl, enum ktstr_ctl_ring r, struct ktstr_spsc_cons *c);

/* ---- messages on the vmm <-> coord (and vmm <-> monitor) rings ----
 *
 * Ring record type = one of the KTSTR_CTL_MSG_* fourccs.  Every request
 * payload starts with struct ktstr_ctl_req, every reply with struct
 * ktstr_ctl_rep, every unsolicited event with struct ktstr_ctl_evt.
 * A request whose deadline has passed when the VMM reads it is answered
 * with -ETIMEDOUT without acting; unknown types get -EOPNOTSUPP.
 */
struct ktstr_ctl_req {
	uint64_t req_id;	/* != 0, unique per requester */
	uint64_t deadline_ns;	/* absolute CLOCK_MONOTONIC */
};

struct ktstr_ctl_rep {
	uint64_t req_id;	/* echoes the request */
	int32_t  status;	/* 0 or -errno */
	uint32_t req_type;	/* echoes the request's ring type */
};

struct ktstr_ctl_evt {
	uint64_t at_ns;		/* CLOCK_MONOTONIC when it happened */
};

/* requests (coord/monitor -> vmm) */
#define KTSTR_CTL_MSG_FREEZE	KTSTR_FOURCC('F', 'R', 'Z', 'Q')
#define KTSTR_CTL_MSG_THAW	KTSTR_FOURCC('T', 'H', 'W', 'Q')
#define KTSTR_CTL_MSG_REGS	KTSTR_FOURCC('R', 'E', 'G', 'Q')
#define KTSTR_CTL_MSG_STATUS	KTSTR_FOURCC('S', 'T', 'A', 'Q')
#define KTSTR_CTL_MSG_WATCH	KTSTR_FOURCC('W', 'C', 'H', 'Q')
#define KTSTR_CTL_MSG_GUEST_SEND KTSTR_FOURCC('G', 'S', 'N', 'D')	/* queue a frame to the guest */
/* every reply (vmm -> requester) */
#define KTSTR_CTL_MSG_REPLY	KTSTR_FOURCC('R', 'E', 'P', 'L')
/* events (vmm -> coord) */
#define KTSTR_CTL_MSG_GUEST_FRAME KTSTR_FOURCC('G', 'F', 'W', 'D')	/* forwarded guest frame */
#define KTSTR_CTL_MSG_WATCH_HIT	KTSTR_FOURCC('W', 'H', 'I', 'T')
#define KTSTR_CTL_MSG_VM_EXIT	KTSTR_FOURCC('V', 'M', 'E', 'X')

/* FREEZE: park every vCPU.  The VMM thaws by itself after max_frozen_ms
 * (never stays frozen without a live coordinator). */
struct ktstr_ctl_freeze_req {
	struct ktstr_ctl_req r;
	uint32_t reason;	/* KTSTR_FREEZE_* */
	uint32_t max_frozen_ms;	/* 0 = VMM default */
};
#define KTSTR_FREEZE_DUMP	1u
#define KTSTR_FREEZE_SNAPSHOT	2u
#define KTSTR_FREEZE_WATCH_HIT	3u
#define KTSTR_FREEZE_USER	4u

struct ktstr_ctl_freeze_rep {
	struct ktstr_ctl_rep r;
	uint32_t nr_vcpus;
	uint32_t nr_parked;	/* < nr_vcpus: degraded freeze */
	uint64_t frozen_at_ns;
};

/* THAW: payload is just struct ktstr_ctl_req; reply is struct ktstr_ctl_rep. */

/* REGS: registers of vCPUs [first, first+count); count 0 = all. Valid while
 * frozen (status -EAGAIN otherwise on backends that can only read parked). */
struct ktstr_ctl_regs_req {
	struct ktstr_ctl_req r;
	uint32_t first;
	uint32_t count;
};

#define KTSTR_VCPU_REGS_VALID	(1u << 0)	/* captured */
#define KTSTR_VCPU_REGS_PARKED	(1u << 1)	/* vCPU was parked when read */

struct ktstr_vcpu_regs {
	uint32_t cpu;
	uint32_t flags;		/* KTSTR_VCPU_REGS_* */
	uint64_t rip, rsp, rflags;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr0, cr2, cr3, cr4, efer;
	uint64_t fs_base, gs_base, kernel_gs_base;
	uint16_t cs, ss, ds, es, fs, gs;
	uint16_t cpl;
	uint16_t pad;
};
_Static_assert(sizeof(struct ktstr_vcpu_regs) == 232, "vcpu regs are 232 bytes");

struct ktstr_ctl_regs_rep {
	struct ktstr_ctl_rep r;
	uint32_t first;
	uint32_t count;		/* entries in regs[] */
	struct ktstr_vcpu_regs regs[];
};

/* STATUS: payload struct ktstr_ctl_req. */
struct ktstr_ctl_status_rep {
	struct ktstr_ctl_rep r;
	uint32_t vm_state;	/* enum ktstr_vm_state */
	uint32_t nr_vcpus;
	uint64_t frozen_since_ns;	/* 0 unless frozen */
	uint64_t uptime_ns;		/* since the guest started */
	uint64_t guest_frames;		/* frames received from the guest */
};

/* WATCH: set or clear a hardware watchpoint on a guest virtual address. */
struct ktstr_ctl_watch_req {
	struct ktstr_ctl_req r;
	uint64_t gva;
	uint32_t len;		/* 1, 2, 4 or 8 */
	uint32_t kind;		/* KTSTR_WATCH_* */
	uint32_t slot;		/* 0..3 */
	uint32_t pad;
};
#define KTSTR_WATCH_CLEAR	0u
#define KTSTR_WATCH_WRITE	1u
#define KTSTR_WATCH_RW		2u

/* GUEST_SEND: queue one TLV frame on the host->guest ring (e.g. SNRP). */
struct ktstr_ctl_guest_send_req {
	struct ktstr_ctl_req r;
	uint32_t msg_type;	/* wire.h KTSTR_MSG_* */
	uint32_t len;		/* payload bytes that follow */
	uint8_t  payload[];
};

/* GUEST_FRAME event: a CRC-valid guest frame the coordinator cares about
 * (SNRQ, SCDX, EXIT, KADR ...), payload verbatim. */
struct ktstr_ctl_guest_frame_evt {
	struct ktstr_ctl_evt e;
	uint32_t msg_type;
	uint32_t len;
	uint8_t  payload[];
};

struct ktstr_ctl_watch_hit_evt {
	struct ktstr_ctl_evt e;
	uint32_t slot;
	uint32_t cpu;
	uint64_t gva;
	uint64_t rip;
};

struct ktstr_ctl_vm_exit_evt {
	struct ktstr_ctl_evt e;
	int32_t  guest_exit;	/* guest EXIT code, or -1 if none */
	uint32_t reason;	/* KTSTR_VMEXIT_* */
};
#define KTSTR_VMEXIT_POWEROFF	1u
#define KTSTR_VMEXIT_PANIC	2u
#define KTSTR_VMEXIT_TIMEOUT	3u
#define KTSTR_VMEXIT_ERROR	4u

#endif /* KTSTR_CTL_H */
