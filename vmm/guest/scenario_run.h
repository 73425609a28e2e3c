/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scenario_run.h — execute a parsed scenario (execution model in
 * shared/include/ktstr/scenario.h): initial cgroups and workers, then the
 * steps (ops, STIM, hold), watching the scheduler and the host's signal
 * slots on every tick; SCST/SCEN around it; every worker stopped and
 * reported at the end.
 */
#ifndef KTSTR_GUEST_SCENARIO_RUN_H
#define KTSTR_GUEST_SCENARIO_RUN_H

#include <stdint.h>

struct guest;

/* Run g->sc.  Returns the exit code (enum guest_exit).  steps_done and
 * elapsed_ms (scenario wall time) are filled for the summary. */
int guest_scenario_run(struct guest *g, uint32_t *steps_done, uint64_t *elapsed_ms);

#endif /* KTSTR_GUEST_SCENARIO_RUN_H */
