// SPDX-License-Identifier: GPL-2.0-only
/*
 * path.c — lexical path component walk (see path.h).
 */
#include <ktstr/path.h>

size_t ktstr_path_next(const char **p, const char **comp)
{
	const char *s = *p;

	for (;;) {
		const char *c;
		size_t n;

		while (*s == '/')
			s++;
		c = s;
		while (*s && *s != '/')
			s++;
		n = (size_t)(s - c);
		if (n == 1 && c[0] == '.')
			continue;
		*p = s;
		*comp = c;
		return n;
	}
}
