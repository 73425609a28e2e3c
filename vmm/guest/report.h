/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.h — how ktstr-init tells the host anything: frames on the
 * guest -> host shared-memory ring (wire.h) and text on COM2 (/dev/ttyS1,
 * also init's stdout/stderr).
 *
 * Lifecycle events go to both: a LIFE frame and its COM2 sentinel
 * (KTSTR_INIT_STARTED, KTSTR_PAYLOAD_STARTING, SCHEDULER_DIED, ...), so a
 * run whose ring is unusable is still classified.  When the ring cannot
 * be mapped init keeps going on COM2 alone and says so once.
 */
#ifndef KTSTR_GUEST_REPORT_H
#define KTSTR_GUEST_REPORT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/gring.h>
#include <ktstr/wire.h>

#include "cmdline.h"

struct guest_report {
	int	 com2_fd;		/* -1: none (then nothing is printed) */
	bool	 ring_ok;
	struct ktstr_gring g2h, h2g;
	volatile sig_atomic_t busy;	/* a send is in progress (crash path skips) */
	bool	 ring_full;		/* gave up waiting for room once: drop from now on */
	char	 ring_why[192];		/* why the ring is unusable */
	uint64_t sent, dropped;
};

/*
 * Map the region named on the command line through /dev/mem and attach
 * both rings.  0, or -1 with r->ring_why set (r->ring_ok stays false).
 */
int guest_ring_open(struct guest_report *r, const struct guest_cmdline *c);

/* Send one frame (payload a||b).  0, or a negative errno; never blocks
 * more than ~1 s waiting for the host to drain a full ring. */
int guest_send2(struct guest_report *r, uint32_t type, const void *a, uint32_t alen,
		const void *b, uint32_t blen);
static inline int guest_send(struct guest_report *r, uint32_t type, const void *p, uint32_t len)
{
	return guest_send2(r, type, p, len, NULL, 0);
}

/* LIFE frame (phase + reason) and its COM2 sentinel line. */
void guest_life(struct guest_report *r, enum ktstr_life_phase phase, const char *reason);
/* COM2 sentinel text for a phase ("KTSTR_INIT_STARTED", ...). */
const char *guest_life_sentinel(enum ktstr_life_phase phase);

/* EXIT frame (i32) and KTSTR_EXIT=<n> on COM2. */
void guest_send_exit(struct guest_report *r, int32_t code);

/* A raw line on COM2 (sentinels, summaries). */
void guest_say(struct guest_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A log line on COM2: "ktstr-init: <message>". */
void guest_logf(struct guest_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Send a file (or its last max_bytes) as frames of `type` in chunks of at
 * most chunk bytes, and copy it to COM2 between the two marker lines.
 * For SCLG the markers are ===SCHED_OUTPUT_START=== / ===SCHED_OUTPUT_END===
 * and they are also part of the frames' text (ktstr §2.7).  0 or -errno.
 */
int guest_send_file(struct guest_report *r, uint32_t type, const char *path,
		    const char *start_marker, const char *end_marker, size_t max_bytes);

/* Same for an in-memory buffer. */
void guest_send_text(struct guest_report *r, uint32_t type, const char *text, size_t len,
		     const char *start_marker, const char *end_marker);

/* Crash path (async-signal-safe): a CRSH frame unless a send was cut. */
void guest_report_crash(struct guest_report *r, const char *text, size_t len);

/* Wait until COM2 has sent everything (tcdrain). */
void guest_report_flush(struct guest_report *r);

#endif /* KTSTR_GUEST_REPORT_H */
