/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the tests in tests/components: fixture and vmlinux lookup. */
#ifndef KTSTR_TESTS_COMPONENTS_COMMON_H
#define KTSTR_TESTS_COMPONENTS_COMMON_H

#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* @name beside this test binary (fixtures are built there). */
static inline const char *comp_fixture(const char *name)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n <= 0)
		return name;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) + 2 + strlen(name) > sizeof(path))
		return name;
	strcpy(slash + 1, name);
	return path;
}

/* $KTSTR_VMLINUX, else the newest ~/.cache/ktstr/kernels/ * /vmlinux, else NULL. */
static inline const char *comp_vmlinux(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("KTSTR_VMLINUX"), *home = getenv("HOME");
	char pat[PATH_MAX];
	time_t best = 0;
	glob_t g;

	if (env && *env)
		return access(env, R_OK) == 0 ? env : NULL;
	snprintf(pat, sizeof(pat), "%s/.cache/ktstr/kernels/*/vmlinux", home ? home : "/root");
	if (glob(pat, 0, NULL, &g))
		return NULL;
	path[0] = '\0';
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;

		if (stat(g.gl_pathv[i], &st) == 0 && st.st_mtime >= best) {
			best = st.st_mtime;
			snprintf(path, sizeof(path), "%s", g.gl_pathv[i]);
		}
	}
	globfree(&g);
	return path[0] ? path : NULL;
}

#endif
