// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: arbitrary bytes as a run's guest.frames.  Every frame the
 * guest could have sent (after the host's CRC check) is applied to a run
 * record, and the record is judged against a fixed scenario, so the
 * report's payload validation and the verdict math both see hostile
 * worker reports, summaries, lifecycle reasons and log chunks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/frame.h>
#include <ktstr/scenario.h>

#include "judge.h"
#include "record.h"

static const char scen[] =
	"[scenario]\ndescription = fuzz\nduration = 2s\n"
	"[cgroup a]\nworkers = 2\nwork = spin\ncpuset = 0\n"
	"[cgroup b]\nworkers = 2\nwork = pipe_io\n"
	"[checks]\nisolation = on\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ktstr_scenario sc;
	static struct ktstr_verdict v;
	static int parsed;
	struct report_judge_args a = { .sc = &sc, .expect_sched = true, .backend = "qemu-tcg" };
	struct ktstr_frame_iter it;
	struct ktstr_frame f;
	struct report_record r;

	if (!parsed) {
		if (ktstr_scenario_parse_buf("fuzz.ktstr", scen, strlen(scen), &sc, NULL) < 0)
			abort();
		parsed = 1;
	}
	report_record_init(&r);
	ktstr_frame_iter_init(&it, data, size, 0);
	/* the fuzzer cannot forge CRCs easily: apply every frame regardless */
	while (ktstr_frame_iter_next(&it, &f))
		report_record_apply(&r, f.type, f.payload, f.length);
	report_judge(&r, &a, &v);
	report_record_free(&r);
	return 0;
}
