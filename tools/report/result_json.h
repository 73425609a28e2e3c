/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * result_json.h — write DIR/result.json (atomically) for one judged run.
 */
#ifndef KTSTR_REPORT_RESULT_JSON_H
#define KTSTR_REPORT_RESULT_JSON_H

#include <stddef.h>

#include <ktstr/scenario.h>
#include <ktstr/verdict.h>

#include "monitor_in.h"
#include "record.h"

int report_write_result(const char *run_dir, const char *name, const char *scheduler,
			const char *backend, const struct ktstr_scenario *sc,
			const struct report_record *rec, const struct ktstr_verdict *v,
			const struct report_monitor *mon, char *err, size_t errlen);

#endif /* KTSTR_REPORT_RESULT_JSON_H */
