/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record.h — what one run left behind, loaded and validated.
 *
 * The guest's frames (guest.frames), the VMM's classification
 * (vmm.status) and the tails of the logs, reduced to plain data the
 * verdict and the output code can use without touching guest bytes
 * again.  Everything from the guest is checked here: payload sizes,
 * versions, enum ranges, NUL termination.
 */
#ifndef KTSTR_REPORT_RECORD_H
#define KTSTR_REPORT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/wire.h>

#define REPORT_MAX_WORKERS 1024u
#define REPORT_LOG_TAIL	   (16u << 10)	/* bytes of scheduler log kept */
#define REPORT_REASON_MAX  256u

struct report_text {
	char  *buf;	/* NUL-terminated, at most cap - 1 bytes: the tail */
	size_t len, cap;
	bool   truncated;
};

struct report_record {
	/* lifecycle: phases seen (bit = phase) and the last reason per phase */
	uint32_t phases;
	char	 phase_reason[KTSTR_LIFE_MAX + 1][REPORT_REASON_MAX];

	struct ktstr_worker_report *workers;	/* validated reports */
	uint32_t nworkers;
	uint32_t bad_worker_frames;		/* wrong size or failed validation */

	bool	 have_summary;
	struct ktstr_test_summary summary;
	bool	 have_exit;
	int32_t	 exit_code;
	bool	 have_sched_exit;
	int32_t	 sched_exit_status;
	bool	 have_exec_exit;
	int32_t	 exec_exit;
	bool	 scenario_started, scenario_ended;
	uint64_t scenario_elapsed_ms;

	struct report_text sched_log;		/* SCLG chunks, tail */
	uint64_t frames, bad_crc, unknown_frames;
	bool	 frames_truncated;		/* stream ended mid-frame or bad length */

	/* vmm.status */
	char	 vmm_status[32];		/* powered_off|timeout|panic|qemu_failed|no_exit */
	char	 backend[32];			/* qemu-tcg, qemu-kvm, kvm (default qemu-tcg) */
	int	 vmm_exit_code;
	long	 boot_ms;
};

void report_record_init(struct report_record *r);
void report_record_free(struct report_record *r);

/*
 * Load run_dir/guest.frames and run_dir/vmm.status.  Missing files are
 * not errors (a run that died early has neither); unreadable ones are.
 * Returns 0 or -errno with a message in err.
 */
int report_record_load(struct report_record *r, const char *run_dir, char *err, size_t errlen);

/* Apply one frame (exposed for the tests and the fuzzer). */
void report_record_apply(struct report_record *r, uint32_t type, const uint8_t *p, uint32_t len);

/* Read up to tail_bytes from the end of a file into a new string. */
char *report_file_tail(const char *path, size_t tail_bytes, size_t max_lines);

#endif /* KTSTR_REPORT_RECORD_H */
