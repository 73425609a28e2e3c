// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_mixed.c — mixed: 1024 spins (units) then a sched_yield() per
 * iteration (ktstr Mixed).
 */
#include <sched.h>

#include "guest.h"
#include "work.h"

static void mixed_run(struct work_ctx *w)
{
	while (!work_stopped(w)) {
		uint64_t t0;

		work_spin(1024);
		wstats_units(w->ws, 1024);
		t0 = guest_now_ns();
		sched_yield();
		wstats_wake_sample(w->ws, guest_now_ns() - t0);
		wstats_iter(w->ws);
	}
}

static const struct work_type work_mixed_type = {
	.kind = KTSTR_WORK_MIXED,
	.name = "mixed",
	.group = 1,
	.run = mixed_run,
};
WORK_TYPE(work_mixed_type);
