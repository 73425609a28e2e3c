// SPDX-License-Identifier: GPL-2.0-only
/*
 * status.c — what happened to the VM, as vmm.status and an exit code.
 *
 * Decided after the VM is gone (the deadline, a signal or a start
 * failure are recorded when they happen):
 *   guest sent EXIT                       -> powered_off  (exit 0)
 *   deadline hit, VM stopped/killed       -> timeout      (exit 3)
 *   QEMU did not start, or died by itself
 *   (non-zero exit or killed, no EXIT)    -> qemu_failed  (exit 4)
 *   VM ended without EXIT, "Kernel panic"
 *   in console.log or guest.log           -> panic        (exit 5)
 *   VM ended without EXIT otherwise       -> no_exit      (exit 5)
 *   SIGINT/SIGTERM/SIGHUP to ktstr-vmm    -> interrupted  (exit 128+sig)
 * vmm.status is one line of key=value pairs (written atomically).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define PANIC_SCAN_BYTES (1u << 20)	/* the end of the log is where a panic is */

const char *vmm_outcome_name(enum vmm_outcome o)
{
	switch (o) {
	case VMM_OUT_POWERED_OFF: return "powered_off";
	case VMM_OUT_TIMEOUT: return "timeout";
	case VMM_OUT_QEMU_FAILED: return "qemu_failed";
	case VMM_OUT_PANIC: return "panic";
	case VMM_OUT_NO_EXIT: return "no_exit";
	case VMM_OUT_INTERRUPTED: return "interrupted";
	default: return "unknown";
	}
}

/* Does dir/name contain "Kernel panic" in its last PANIC_SCAN_BYTES? */
static bool log_has_panic(const char *dir, const char *name)
{
	char path[4200], *buf;
	struct stat st;
	off_t off;
	ssize_t n;
	bool found = false;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	buf = malloc(PANIC_SCAN_BYTES + 1);
	if (buf && fstat(fd, &st) == 0) {
		off = st.st_size > PANIC_SCAN_BYTES ? st.st_size - PANIC_SCAN_BYTES : 0;
		n = pread(fd, buf, PANIC_SCAN_BYTES, off);
		if (n > 0)
			found = memmem(buf, (size_t)n, "Kernel panic", 12) != NULL;
	}
	free(buf);
	close(fd);
	return found;
}

void vmm_status_classify(struct vmm_run *r)
{
	bool died = r->reaped && !(WIFEXITED(r->wstatus) && WEXITSTATUS(r->wstatus) == 0);

	if (r->outcome != VMM_OUT_NONE)
		return;		/* timeout / interrupted / start failure */
	if (r->got_exit)
		r->outcome = VMM_OUT_POWERED_OFF;
	else if (log_has_panic(r->cfg.run_dir, "console.log") ||
		 log_has_panic(r->cfg.run_dir, "guest.log"))
		r->outcome = VMM_OUT_PANIC;
	else if (died)
		r->outcome = VMM_OUT_QEMU_FAILED;
	else
		r->outcome = VMM_OUT_NO_EXIT;
	if (r->outcome == VMM_OUT_QEMU_FAILED && !r->fail_reason[0]) {
		if (WIFSIGNALED(r->wstatus))
			snprintf(r->fail_reason, sizeof(r->fail_reason), "QEMU killed by signal %d",
				 WTERMSIG(r->wstatus));
		else
			snprintf(r->fail_reason, sizeof(r->fail_reason), "QEMU exited with status %d",
				 WEXITSTATUS(r->wstatus));
	}
}

int vmm_status_exit_code(const struct vmm_run *r)
{
	switch (r->outcome) {
	case VMM_OUT_POWERED_OFF: return VMM_EXIT_OK;
	case VMM_OUT_TIMEOUT: return VMM_EXIT_TIMEOUT;
	case VMM_OUT_PANIC:
	case VMM_OUT_NO_EXIT: return VMM_EXIT_NO_EXIT;
	case VMM_OUT_INTERRUPTED: return 128 + r->signal;
	default: return VMM_EXIT_BACKEND;
	}
}

int vmm_status_write(const struct vmm_run *r)
{
	char line[1024], gexit[16], err[VMM_ERRLEN];
	long long boot_ms = -1, elapsed_ms = (long long)((vmm_now_ns() - r->start_ns) / 1000000);

	if (r->first_frame_ns && r->start_ns)
		boot_ms = (long long)((r->first_frame_ns - r->start_ns) / 1000000);
	if (r->got_exit)
		snprintf(gexit, sizeof(gexit), "%d", r->guest_exit);
	else
		snprintf(gexit, sizeof(gexit), "none");
	snprintf(line, sizeof(line),
		 "status=%s exit_code=%d guest_exit=%s boot_ms=%lld frames=%llu invalid_frames=%llu "
		 "elapsed_ms=%lld backend=%s accel=%s shutdown=%s\n",
		 vmm_outcome_name(r->outcome), vmm_status_exit_code(r), gexit, boot_ms,
		 (unsigned long long)r->frames, (unsigned long long)r->invalid_frames, elapsed_ms,
		 r->be ? r->be->name : "none", r->accel_kvm ? "kvm" : "tcg",
		 r->shutdown_reason[0] ? r->shutdown_reason : "none");
	return vmm_write_file(r->cfg.run_dir, "vmm.status", line, err, sizeof(err));
}
