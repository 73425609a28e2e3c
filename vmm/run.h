/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run.h — one ktstr-vmm run: configuration, resources and outcome.
 *
 * main.c parses the command line into struct vmm_config, builds a
 * struct vmm_run, starts the backend and runs the event loop (loop.c)
 * until the VM is gone; status.c turns the outcome into vmm.status and
 * the exit code.  The struct is the explicit context every piece gets.
 */
#ifndef KTSTR_VMM_RUN_H
#define KTSTR_VMM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/ctl.h>
#include <ktstr/gring.h>
#include <ktstr/log.h>	/* KTSTR_RUN_ID_MAX */

#include "backend.h"
#include "vmm.h"

enum vmm_mode { VMM_MODE_RUN, VMM_MODE_SHELL };
enum vmm_backend_kind { VMM_BACKEND_AUTO, VMM_BACKEND_QEMU, VMM_BACKEND_KVM };

struct vmm_config {
	const char *run_dir;
	const char *kernel;
	const char *initrd;
	const char *append;
	const char *qemu;		/* binary; $KTSTR_QEMU or qemu-system-x86_64 */
	char	 run_id[KTSTR_RUN_ID_MAX];
	struct ktstr_topology topo;
	uint64_t memory_mb;
	uint64_t deadline_ms;		/* 0 = none */
	uint32_t max_frozen_ms;		/* thaw by ourselves after this without a live coordinator */
	enum vmm_mode mode;
	enum vmm_backend_kind backend;
	bool	 console_stdio;
	enum vmm_kernel_kind kernel_kind;
	uint64_t initrd_size;
};

/* Outcome classes (vmm.status `status=`) and their exit codes. */
enum vmm_outcome {
	VMM_OUT_NONE = 0,
	VMM_OUT_POWERED_OFF,	/* exit 0: guest sent EXIT, then the VM ended */
	VMM_OUT_TIMEOUT,	/* exit 3: deadline hit, VM killed */
	VMM_OUT_QEMU_FAILED,	/* exit 4: backend failed to start or died by itself */
	VMM_OUT_PANIC,		/* exit 5: ended without EXIT, "Kernel panic" on the console */
	VMM_OUT_NO_EXIT,	/* exit 5: ended without EXIT, no panic seen */
	VMM_OUT_INTERRUPTED,	/* exit 130/143: SIGINT/SIGTERM */
};

#define VMM_EXIT_OK		0
#define VMM_EXIT_USAGE		2
#define VMM_EXIT_TIMEOUT	3
#define VMM_EXIT_BACKEND	4
#define VMM_EXIT_NO_EXIT	5

#define VMM_FRAME_TYPES 24	/* per-type counters (wire.h types + "other") */

struct vmm_run {
	struct vmm_config cfg;
	const struct vmm_backend_ops *be;
	void	*be_state;
	bool	 accel_kvm;		/* qemu backend: -accel kvm instead of tcg */
	char	 cmdline[VMM_CMDLINE_MAX];
	struct vmm_ram ram;
	struct ktstr_gring g2h, h2g;
	bool	 rings_ok;
	struct ktstr_ctl ctl;
	bool	 ctl_ok;
	struct vmm_ctl_state *ctl_state;	/* ctlreq.c */
	int	 frames_fd;		/* run_dir/guest.frames (append) */
	int	 sig_fd;		/* signalfd: SIGINT, SIGTERM, SIGHUP */

	/* timeline (CLOCK_MONOTONIC ns) */
	uint64_t start_ns, first_frame_ns, first_exit_ns, frozen_since_ns, stop_sent_ns;
	bool	 frozen;
	uint32_t frozen_max_ms;		/* of the current freeze */

	/* guest frames */
	uint64_t frames, invalid_frames, frame_bytes, ring_errors;
	uint64_t type_count[VMM_FRAME_TYPES];
	bool	 got_exit;
	int32_t	 guest_exit;

	/* outcome */
	enum vmm_outcome outcome;	/* decided so far (timeout / interrupted / failed) */
	int	 signal;		/* the signal that interrupted us */
	int	 wstatus;		/* backend process wait status */
	bool	 reaped;
	char	 shutdown_reason[40];	/* QMP SHUTDOWN data.reason */
	char	 fail_reason[VMM_ERRLEN];
};

/* log.c-style output: "ktstr-vmm[<run-id>] <level>: <message>" on stderr. */
void vmm_log(const struct vmm_run *r, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline uint64_t vmm_now_ns(void)
{
	return ktstr_mono_ns();
}

/* qemu.c (beyond the ops table) */
void vmm_qemu_argv(const struct vmm_run *r, int qmp_fd, struct vmm_argv *av);
int vmm_qemu_relay_stderr(struct vmm_run *r, bool final);

/* drain.c */
int vmm_drain_open(struct vmm_run *r, char *err, size_t errlen);
/* Drain the g->h ring into guest.frames; returns frames taken or -errno. */
int vmm_drain(struct vmm_run *r);
void vmm_drain_close(struct vmm_run *r);
const char *vmm_frame_type_name(unsigned idx);

/* ctlreq.c: requests from the coordinator / monitor */
int vmm_ctl_setup(struct vmm_run *r, char *err, size_t errlen);
/* Request rings: 0 = coordinator, 1 = monitor.  NULL when not attached. */
struct ktstr_spsc_cons *vmm_ctl_cons(struct vmm_run *r, int which);
/* Serve every queued request on one ring; returns requests served or -errno. */
int vmm_ctl_serve(struct vmm_run *r, int which);
/* Periodic duties: heartbeat, thaw-on-deadline. */
void vmm_ctl_tick(struct vmm_run *r);
void vmm_ctl_vm_exit(struct vmm_run *r);
/* Forward a CRC-valid guest frame to the coordinator (dropped if it cannot keep up). */
struct ktstr_frame;
void vmm_ctl_forward_frame(struct vmm_run *r, const struct ktstr_frame *f);
void vmm_ctl_teardown(struct vmm_run *r);

/* loop.c */
int vmm_loop_run(struct vmm_run *r);

/* status.c */
void vmm_status_classify(struct vmm_run *r);
int vmm_status_exit_code(const struct vmm_run *r);
const char *vmm_outcome_name(enum vmm_outcome o);
int vmm_status_write(const struct vmm_run *r);

#endif /* KTSTR_VMM_RUN_H */
