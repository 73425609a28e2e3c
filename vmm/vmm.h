/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmm.h — ktstr-vmm's internal interfaces (one section per source file).
 *
 * ktstr-vmm owns one virtual machine: guest RAM in a shared file, the
 * guest shared-memory rings inside it, the VM process (a backend, see
 * backend.h), and the run's outcome.  Everything here is private to
 * vmm/; tests/vmm links these objects through build/lib/libktstr-vmm.a.
 *
 * Errors: functions return 0 / a count, or a negative errno and write a
 * one-line reason into a caller-supplied buffer (char *err, size_t errlen).
 */
#ifndef KTSTR_VMM_VMM_H
#define KTSTR_VMM_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <ktstr/jsonread.h>
#include <ktstr/topology.h>

#define VMM_ERRLEN 512

/* ---- util.c: log lines and run-dir files ---- */
#include <stdarg.h>
void vmm_log_emit(const char *run_id, const char *level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Write dir/name atomically (tmp + rename). */
int vmm_write_file(const char *dir, const char *name, const char *text, char *err, size_t errlen);

/* ---- argv.c: a growable NULL-terminated argument vector ---- */
struct vmm_argv {
	char  **v;
	size_t	n, cap;
	bool	oom;		/* an add failed: the vector is unusable */
};

void vmm_argv_init(struct vmm_argv *av);
void vmm_argv_free(struct vmm_argv *av);
/* Append one printf-formatted argument. */
void vmm_argv_add(struct vmm_argv *av, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Arguments joined by single spaces (malloc'd, NULL on OOM). */
char *vmm_argv_join(const struct vmm_argv *av);

/* ---- topo.c: NnLlCcTt topology and its QEMU mapping ---- */
#define VMM_MAX_NODES 8u

/* "1n2l2c1t" or "1,2,2,1" (ktstr_topology_parse) with at most
 * VMM_MAX_NODES nodes.  -EINVAL with a reason for anything else. */
int vmm_topo_parse(const char *s, struct ktstr_topology *t, char *err, size_t errlen);
/* First and last vCPU of a node (CPU ids are dense: thread, core, LLC). */
void vmm_topo_node_cpus(const struct ktstr_topology *t, unsigned node, unsigned *first,
			unsigned *last);
/* QEMU machine type: microvm for one node, q35 (SRAT/SLIT) for several. */
const char *vmm_topo_machine(const struct ktstr_topology *t);
/* -smp and (q35) -numa arguments; memdev ids are "mem0".."memN-1". */
void vmm_topo_qemu_args(const struct ktstr_topology *t, struct vmm_argv *av);

/* ---- shmram.c: guest RAM in /dev/shm files, the shm region at the top ---- */
struct vmm_ram_part {
	char	 path[128];	/* /dev/shm/ktstr-<run-id>-ram[-n<i>] */
	uint64_t gpa;		/* guest physical base */
	uint64_t size;
	int	 fd;
};

struct vmm_ram {
	struct vmm_ram_part part[VMM_MAX_NODES];	/* one per NUMA node, GPA order */
	unsigned nparts;
	uint64_t size;		/* total guest RAM */
	uint64_t shm_base;	/* GPA of the shared region (top of RAM) */
	uint64_t shm_size;
	void	*shm;		/* host mapping of [shm_base, shm_base + shm_size) */
};

/* Largest guest RAM kept below QEMU's 32-bit PCI hole (q35 splits at 2816 MiB). */
#define VMM_MEM_MIN_MB 256u
#define VMM_MEM_MAX_MB 2560u

/*
 * Create one file per node (O_EXCL, 0600), size them (equal shares of
 * mem_mb, remainder to the last node), map the shm region and initialise
 * both ring headers.  The region sits just below where QEMU will load
 * the initrd (the top of RAM), see shmram.c.  On error everything
 * created is removed.
 */
int vmm_ram_create(struct vmm_ram *ram, const char *run_id, uint64_t mem_mb, unsigned nodes,
		   uint64_t shm_size, uint64_t initrd_size, char *err, size_t errlen);
/* After the VM is loaded, before it runs: the ring headers must be intact. */
int vmm_ram_check(struct vmm_ram *ram, char *err, size_t errlen);
/* Unmap, close and unlink (idempotent; safe on a zeroed struct). */
void vmm_ram_destroy(struct vmm_ram *ram);
/*
 * Write run_dir/ram.shm (one file path per line, GPA order: a single
 * line for one node) and run_dir/ram.layout ("ram PATH GPA SIZE" per
 * file and "shm GPA SIZE", hex), each atomically (tmp + rename).
 */
int vmm_ram_write_info(const struct vmm_ram *ram, const char *run_dir, char *err, size_t errlen);

/* ---- kimage.c: the kernel file ---- */
enum vmm_kernel_kind { VMM_KERNEL_PVH_ELF = 1, VMM_KERNEL_BZIMAGE = 2 };

/* Check a kernel file: an x86_64 ELF with a PVH entry note, or a bzImage. */
int vmm_kernel_check(const char *path, enum vmm_kernel_kind *kind, char *err, size_t errlen);

/* ---- tsc.c: the host TSC rate (TCG's guest TSC runs at it) ---- */
/* kHz, or a negative errno (no constant TSC, measurement kept failing). */
long vmm_tsc_khz(char *err, size_t errlen);

/* ---- cmdline.c: the guest kernel command line ---- */
struct vmm_cmdline_in {
	const struct ktstr_topology *topo;
	uint64_t shm_base, shm_size;
	long	 tsc_khz;	/* <= 0: omit tsc_early_khz */
	bool	 shell;		/* KTSTR_MODE=shell */
	bool	 bzimage;	/* add nokaslr (only the bzImage decompressor randomises) */
	const char *append;	/* user's extra arguments (last, so they win) */
};

#define VMM_CMDLINE_MAX 2048	/* x86 COMMAND_LINE_SIZE, NUL included */
int vmm_cmdline_build(const struct vmm_cmdline_in *in, char *out, size_t outlen, char *err,
		      size_t errlen);

/* ---- probe.c: is /dev/kvm fast enough to use? ---- */
struct vmm_kvm_probe {
	bool	 present;	/* /dev/kvm opened */
	bool	 ran;		/* the probe guest ran (else reason says why) */
	bool	 cached;	/* result came from the per-boot cache */
	double	 ns_per_iter;
	bool	 native_like;	/* ns_per_iter < VMM_KVM_NATIVE_NS */
	char	 reason[160];
};
#define VMM_KVM_NATIVE_NS 20.0

/* cache_dir NULL: $XDG_RUNTIME_DIR/ktstr or /run/ktstr (no caching if neither works). */
void vmm_kvm_probe(struct vmm_kvm_probe *p, const char *cache_dir);

/* ---- qmp.c: QMP client ---- */
#define QMP_LINE_MAX (1u << 20)	/* longest message we accept (info registers -a: ~5 KB/vCPU) */

struct qmp_event {
	char	 name[40];	/* SHUTDOWN, STOP, RESUME, RESET, GUEST_PANICKED, ... */
	char	 reason[40];	/* SHUTDOWN data.reason, if any */
	bool	 guest;		/* SHUTDOWN data.guest */
};

typedef void (*qmp_event_cb)(void *ctx, const struct qmp_event *ev);

struct qmp {
	int	 fd;
	char	*buf;		/* receive buffer: partial line at the front */
	size_t	 len;
	uint32_t next_id;
	qmp_event_cb on_event;
	void	*ev_ctx;
	bool	 eof;
	struct ktstr_qjson *js;	/* scratch DOM (large: heap) */
};

/* A command's reply: ok, or the error class/desc QEMU gave. */
struct qmp_reply {
	bool	 ok;
	char	 err_class[48];
	char	 err_desc[200];
	char	*ret_str;	/* "return" when it is a string (malloc'd; caller frees) */
	char	 status[32];	/* query-status: return.status */
	bool	 running;	/* query-status: return.running */
};

/*
 * Classify one QMP line (no trailing newline).  Returns 1 for a reply
 * (rep filled, *id set or -1), 2 for an event (ev filled), 3 for the
 * greeting, 0 for anything else we ignore, -EBADMSG for garbage.
 */
int qmp_parse_line(struct ktstr_qjson *js, char *line, size_t len, int64_t *id, struct qmp_reply *rep,
		   struct qmp_event *ev);

/* Connect to a listening socket, read the greeting, negotiate capabilities. */
int qmp_connect(struct qmp *q, const char *sock_path, char *err, size_t errlen);
int qmp_handshake(struct qmp *q, int timeout_ms, char *err, size_t errlen);
/* qmp_connect + qmp_handshake (closes on failure).  q->on_event may be set before. */
int qmp_open(struct qmp *q, const char *sock_path, int timeout_ms, char *err, size_t errlen);
/* Safe to call twice; q->fd must be -1 or open (initialise with fd = -1). */
void qmp_close(struct qmp *q);
/* Run one command (args: a JSON object text or NULL) and wait for its reply. */
int qmp_command(struct qmp *q, const char *cmd, const char *args_json, int timeout_ms,
		struct qmp_reply *rep, char *err, size_t errlen);
/* human-monitor-command; *out is malloc'd text. */
int qmp_hmp(struct qmp *q, const char *cmdline, int timeout_ms, char **out, char *err,
	    size_t errlen);
/* Read whatever is available without blocking and dispatch events. -EPIPE at EOF. */
int qmp_poll_events(struct qmp *q);

/* ---- regs.c: "info registers -a" text ---- */
#define VMM_REGS_MAX_CPUS 256u

struct vmm_vcpu_regs {
	uint32_t cpu;
	uint64_t rip, rsp, cr3;
	uint8_t	 cpl;
	bool	 halted;
	bool	 long_mode;	/* 64-bit register dump (RIP=) vs 32-bit (EIP=) */
};

/* Parse up to max vCPUs.  Returns the count, or -EBADMSG when a CPU block lacks RIP/RSP/CR3. */
int vmm_regs_parse(const char *text, struct vmm_vcpu_regs *out, unsigned max);

#endif /* KTSTR_VMM_VMM_H */
