// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: scenario text -> parser -> (on success) overrides,
 * cohorts and a verdict over an empty report set.  Any crash, sanitizer
 * report or a message without the "file:" prefix is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/verdict.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct ktstr_scenario sc;
	static struct ktstr_verdict v;
	static struct ktstr_sc_cohort co[KTSTR_SC_MAX_COHORTS];
	struct ktstr_topology t = { 2, 4, 2, 2 };
	struct ktstr_diag d;

	if (ktstr_scenario_parse_buf("f.ktstr", (const char *)data, len, &sc, &d)) {
		if (strncmp(d.msg, "f.ktstr:", 8))
			abort();
		return 0;
	}
	ktstr_scenario_cohorts(&sc, co, KTSTR_SC_MAX_COHORTS);
	struct ktstr_verdict_input in = { .sc = &sc, .backend = "qemu-tcg" };
	ktstr_verdict_judge(&in, &v);
	ktstr_scenario_apply_overrides(&sc, &t, 0, 3, &d);
	return 0;
}
