/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmsg.h — the kernel log as init reads it (/dev/kmsg): the tail for a
 * failure report, and the reason sched_ext gave when it disabled a BPF
 * scheduler ("sched_ext: BPF scheduler "simple" disabled (runnable task
 * stall)" and the "sched_ext: simple: <message>" line that follows).
 */
#ifndef KTSTR_GUEST_KMSG_H
#define KTSTR_GUEST_KMSG_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read every record in the kernel's buffer as text lines (message part
 * only, one per line) into buf; when it does not fit, the oldest lines
 * are dropped.  Returns the length, or -errno.
 */
ssize_t guest_kmsg_read(char *buf, size_t len);

/*
 * Find the last "sched_ext: BPF scheduler ... disabled (REASON)" in text
 * and compose "REASON" or "REASON: MESSAGE" (MESSAGE from the following
 * "sched_ext: NAME: MESSAGE" line) into out.  Returns 1 found, 0 not.
 * Reasons (6.12 scx_exit_reason): "runnable task stall", "scx_bpf_error",
 * "runtime error", "unregistered from BPF", ... all reported as is.
 */
int guest_kmsg_scx_reason(const char *text, size_t len, char *out, size_t outlen);

#endif /* KTSTR_GUEST_KMSG_H */
