/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * results.h — the end of a run: one WRPT per worker (ordered by cgroup,
 * then worker index), the TEST summary, and a readable copy of both on
 * COM2 (KTSTR_WORKER / KTSTR_SUMMARY lines: for people, not a contract).
 */
#ifndef KTSTR_GUEST_RESULTS_H
#define KTSTR_GUEST_RESULTS_H

#include <stdint.h>

struct guest;

void guest_results_send(struct guest *g, uint32_t steps_done, uint64_t elapsed_ms);

/* Name of a fate ("none", "ran", "died", "not_attached", "error_exit"). */
const char *guest_fate_name(unsigned fate);

#endif /* KTSTR_GUEST_RESULTS_H */
