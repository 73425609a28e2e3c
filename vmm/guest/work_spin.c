// SPDX-License-Identifier: GPL-2.0-only
/*
 * work_spin.c — spin: a tight CPU-relax loop, 1024 spins (units) per
 * iteration, a checkpoint after each (ktstr CpuSpin).
 */
#include "work.h"

static void spin_run(struct work_ctx *w)
{
	while (!work_stopped(w)) {
		work_spin(1024);
		wstats_units(w->ws, 1024);
		wstats_iter(w->ws);
	}
}

static const struct work_type work_spin_type = {
	.kind = KTSTR_WORK_SPIN,
	.name = "spin",
	.group = 1,
	.run = spin_run,
};
WORK_TYPE(work_spin_type);
