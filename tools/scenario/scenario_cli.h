/* SPDX-License-Identifier: GPL-2.0-only */
/* scenario_cli.h — pieces of the ktstr-scenario program. */
#ifndef KTSTR_SCENARIO_CLI_H
#define KTSTR_SCENARIO_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <ktstr/scenario.h>

void cli_dump(FILE *f, const struct ktstr_scenario *sc);
/* The catalog directory: dir_opt, $KTSTR_SCENARIO_DIR, or next to the
 * binary.  Returns 0 and fills buf, or -1 with a message in why. */
int cli_catalog_dir(const char *dir_opt, char *buf, size_t len, char *why, size_t wlen);

#endif
