/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scenario_priv.h — helpers shared by scenario*.c (not a public API).
 * Value parsers fill err with a message without the "file:line: "
 * prefix; the caller adds it.
 */
#ifndef KTSTR_SCENARIO_PRIV_H
#define KTSTR_SCENARIO_PRIV_H

#include <ktstr/scenario.h>

int sc_parse_name(const char *s, char *out, struct ktstr_diag *err, const char *what);
int sc_parse_duration_ms(const char *s, uint32_t *ms, struct ktstr_diag *err);
int sc_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out);
int sc_parse_int(const char *s, int min, int max, int *out);
int sc_parse_onoff(const char *s, bool *on);
int sc_parse_percent_bp(const char *s, uint32_t *bp);
int sc_parse_work(const char *s, struct ktstr_work *w, struct ktstr_diag *err);
int sc_parse_affinity(const char *s, struct ktstr_affinity *a, struct ktstr_diag *err);
int sc_parse_policy(const char *s, struct ktstr_policy *pol, struct ktstr_diag *err);
int sc_parse_hold(const char *s, struct ktstr_hold *h, struct ktstr_diag *err);

/* ktstr_scenario_validate() with diagnostics prefixed "file:line: ". */
__attribute__((format(printf, 4, 5)))
int sc_fail_at(struct ktstr_diag *err, const char *file, unsigned line, const char *fmt, ...);

#endif /* KTSTR_SCENARIO_PRIV_H */
