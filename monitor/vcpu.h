/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu.h — host CPU time of the vCPU threads, to tell a stalled guest CPU
 * from a vCPU thread the host did not run (TCG on 2 shared cores).
 * QEMU names its vCPU threads "CPU <n>/TCG" (or "/KVM") when started with
 * `-name ...,debug-threads=on`; the threads are found under the VMM's pid
 * or its child processes.  Time = first field of /proc/<pid>/task/<tid>/schedstat.
 */
#ifndef KTSTR_MONITOR_VCPU_H
#define KTSTR_MONITOR_VCPU_H

#include <stdint.h>
#include <sys/types.h>

#include "eval.h"

struct kmon_vcpus {
	pid_t	 pid[KMON_MAX_CPUS];	/* process of each vCPU thread, 0 = unknown */
	pid_t	 tid[KMON_MAX_CPUS];
	uint32_t found;
};

/* Look for the vCPU threads of the process tree rooted at @vmm_pid. */
void kmon_vcpus_find(struct kmon_vcpus *v, pid_t vmm_pid, uint32_t ncpus);
/* Fill have_vcpu/vcpu_ns of each CPU of @s that has a known thread. */
void kmon_vcpus_read(const struct kmon_vcpus *v, struct kmon_sample *s);

#endif
