// SPDX-License-Identifier: GPL-2.0-only
/*
 * catalog.c — where the scenario catalog lives: --dir, then
 * $KTSTR_SCENARIO_DIR, then relative to this binary: the source tree's
 * scenarios/ (build/bin/ -> ../../scenarios) or the installed
 * share/ktstr/scenarios (PREFIX/libexec/ktstr/ or PREFIX/bin/).
 */
#include "scenario_cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

int cli_catalog_dir(const char *dir_opt, char *buf, size_t len, char *why, size_t wlen)
{
	static const char *const rel[] = {
		"../../scenarios", "../../share/ktstr/scenarios", "../share/ktstr/scenarios",
	};
	const char *env = getenv("KTSTR_SCENARIO_DIR");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (dir_opt || (env && *env)) {
		const char *d = dir_opt ? dir_opt : env;

		if (!is_dir(d)) {
			snprintf(why, wlen, "%s%s: not a directory", dir_opt ? "--dir " : "KTSTR_SCENARIO_DIR=", d);
			return -1;
		}
		snprintf(buf, len, "%s", d);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(why, wlen, "cannot find the catalog: /proc/self/exe: %s (set KTSTR_SCENARIO_DIR)",
			 strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char cand[PATH_MAX + 64], real[PATH_MAX];

		snprintf(cand, sizeof(cand), "%s/%s", exe, rel[i]);
		if (is_dir(cand) && realpath(cand, real)) {
			snprintf(buf, len, "%s", real);
			return 0;
		}
	}
	snprintf(why, wlen, "no scenario catalog found next to %s (set KTSTR_SCENARIO_DIR or --dir)", exe);
	return -1;
}
