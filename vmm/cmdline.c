// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmdline.c — the guest kernel command line.
 *
 * Every argument is there for a reason measured on QEMU 7.2 TCG with the
 * project's 6.12 kernel (docs/vmm.md has the table).  Unknown `key=value`
 * arguments (the KTSTR_* ones) reach PID 1 as environment variables and
 * stay readable in /proc/cmdline; the user's --append goes last so it
 * wins over ours (e.g. loglevel=7).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm.h"

struct cl_buf {
	char	*p;
	size_t	 len, cap;
	bool	 overflow;
};

__attribute__((format(printf, 2, 3)))
static void cl_add(struct cl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	if (b->len) {
		if (b->len + 1 >= b->cap) {
			b->overflow = true;
			return;
		}
		b->p[b->len++] = ' ';
		b->p[b->len] = '\0';
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		b->overflow = true;
	else
		b->len += (size_t)n;
}

int vmm_cmdline_build(const struct vmm_cmdline_in *in, char *out, size_t outlen, char *err,
		      size_t errlen)
{
	struct cl_buf b = { .p = out, .cap = outlen < VMM_CMDLINE_MAX ? outlen : VMM_CMDLINE_MAX };
	const struct ktstr_topology *t = in->topo;

	if (!outlen)
		return -EINVAL;
	out[0] = '\0';
	cl_add(&b, "console=ttyS0 loglevel=4 panic=-1 reboot=t mitigations=off no_timer_check");
	cl_add(&b, "random.trust_cpu=on pci=off iomem=relaxed sysctl.kernel.sched_schedstats=1");
	if (in->bzimage)
		cl_add(&b, "nokaslr");
	if (t->numa_nodes > 1)
		cl_add(&b, "numa_balancing=disable");
	if (in->tsc_khz > 0)
		cl_add(&b, "tsc_early_khz=%ld", in->tsc_khz);
	cl_add(&b, "memmap=0x%llx$0x%llx", (unsigned long long)in->shm_size,
	       (unsigned long long)in->shm_base);
	cl_add(&b, "rdinit=/init KTSTR_SHM_BASE=0x%llx KTSTR_SHM_SIZE=0x%llx",
	       (unsigned long long)in->shm_base, (unsigned long long)in->shm_size);
	cl_add(&b, "KTSTR_MODE=%s KTSTR_TOPO=%u,%u,%u,%u", in->shell ? "shell" : "run", t->numa_nodes,
	       t->llcs, t->cores, t->threads);
	if (in->append && *in->append)
		cl_add(&b, "%s", in->append);
	if (b.overflow) {
		snprintf(err, errlen, "kernel command line longer than %d bytes (--append too long?)",
			 VMM_CMDLINE_MAX - 1);
		return -E2BIG;
	}
	return 0;
}
