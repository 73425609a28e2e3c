/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * backend.h — what a VM backend provides to ktstr-vmm.
 *
 * A backend runs the VM described by a struct vmm_run (guest RAM files,
 * kernel, initrd, command line, topology) and answers the control
 * protocol's verbs.  `qemu` (qemu.c) drives qemu-system-x86_64 over QMP;
 * `kvm` (vmm/kvm/, a later issue) will be our own VMM on /dev/kvm.
 * Every call is bounded in time; errors are -errno plus a reason in err.
 */
#ifndef KTSTR_VMM_BACKEND_H
#define KTSTR_VMM_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm.h"

struct vmm_run;

struct vmm_backend_ops {
	const char *name;
	/* Create the VM and start it.  On success exit_fd() is pollable. */
	int (*start)(struct vmm_run *r, char *err, size_t errlen);
	/* Park / resume every vCPU. */
	int (*freeze)(struct vmm_run *r, char *err, size_t errlen);
	int (*thaw)(struct vmm_run *r, char *err, size_t errlen);
	/* RIP/RSP/CR3 per vCPU; returns the count. */
	int (*read_regs)(struct vmm_run *r, struct vmm_vcpu_regs *out, unsigned max, char *err,
			 size_t errlen);
	/* Is the VM running (not paused)? */
	int (*status)(struct vmm_run *r, bool *running, char *err, size_t errlen);
	/* Ask the VM to end (graceful); force = kill now. Never blocks long. */
	void (*stop)(struct vmm_run *r, bool force);
	/* fd that becomes readable when the VM process is gone (pidfd), or -1. */
	int (*exit_fd)(struct vmm_run *r);
	/* fd with backend diagnostics (QEMU's stderr pipe), or -1; relay_log copies
	 * complete lines to our log (final: the rest too); -EPIPE at EOF. */
	int (*log_fd)(struct vmm_run *r);
	int (*relay_log)(struct vmm_run *r, bool final);
	/* fd with asynchronous events (QMP socket), or -1; events() dispatches them. */
	int (*event_fd)(struct vmm_run *r);
	int (*events)(struct vmm_run *r);
	/* After exit_fd fired: reap; *how = wait status; 0 or -errno. */
	int (*reap)(struct vmm_run *r, int *wstatus);
	/* Release everything (kills the VM if still there). Idempotent. */
	void (*cleanup)(struct vmm_run *r);
};

extern const struct vmm_backend_ops vmm_backend_qemu;

#endif /* KTSTR_VMM_BACKEND_H */
