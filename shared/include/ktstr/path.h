/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * path.h — walking a path's components lexically.
 *
 * The cpio writer (which refuses "..") and the ELF dependency walker
 * (which resolves "..", as the guest will) normalise paths with their own
 * policies; both walk components the same way.
 */
#ifndef KTSTR_PATH_H
#define KTSTR_PATH_H

#include <stddef.h>

/*
 * Next component of the path at *p, skipping empty ones ("//") and ".".
 * Returns its length (0 at the end) and sets *comp; advances *p past it.
 */
size_t ktstr_path_next(const char **p, const char **comp);

/* Is the component c[0..n) ".."? */
static inline int ktstr_path_is_dotdot(const char *c, size_t n)
{
	return n == 2 && c[0] == '.' && c[1] == '.';
}

#endif /* KTSTR_PATH_H */
