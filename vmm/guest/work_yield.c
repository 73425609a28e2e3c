// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_yield.c — yield: sched_yield() every iteration, one unit each
 * (ktstr YieldHeavy).  The time a yield takes is its wake latency: the
 * worker stays runnable, so it also counts towards the scheduling gap.
 */
#include <sched.h>

#include "guest.h"
#include "work.h"

static void yield_run(struct work_ctx *w)
{
	while (!work_stopped(w)) {
		uint64_t t0 = guest_now_ns();

		sched_yield();
		wstats_wake_sample(w->ws, guest_now_ns() - t0);
		wstats_units(w->ws, 1);
		wstats_iter(w->ws);
	}
}

static const struct work_type work_yield_type = {
	.kind = KTSTR_WORK_YIELD,
	.name = "yield",
	.group = 1,
	.run = yield_run,
};
WORK_TYPE(work_yield_type);
