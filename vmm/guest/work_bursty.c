// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_bursty.c — bursty: spin for burst_ms (units = spins, a checkpoint
 * every 1024), then sleep sleep_ms (ktstr Bursty{50, 100}).  One burst
 * plus one sleep is an iteration.
 */
#include "guest.h"
#include "work.h"

static void bursty_run(struct work_ctx *w)
{
	uint64_t burst = (uint64_t)(w->params->burst_ms ? w->params->burst_ms : 50) * 1000000u;
	uint64_t sleep = (uint64_t)(w->params->sleep_ms ? w->params->sleep_ms : 100) * 1000000u;

	while (!work_stopped(w)) {
		uint64_t end = guest_now_ns() + burst;

		while (!work_stopped(w) && w->ws->last_ckpt_ns < end) {
			work_spin(1024);
			wstats_units(w->ws, 1024);
			wstats_checkpoint(w->ws);
		}
		if (work_stopped(w))
			break;
		work_sleep(w, sleep);
		wstats_iter(w->ws);
	}
}

static const struct work_type work_bursty_type = {
	.kind = KTSTR_WORK_BURSTY,
	.name = "bursty",
	.group = 1,
	.run = bursty_run,
};
WORK_TYPE(work_bursty_type);
