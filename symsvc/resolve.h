/* SPDX-License-Identifier: GPL-2.0-only */
/* resolve.h — build the kernel layout from the symbol table and BTF. */
#ifndef KTSTR_SYMSVC_RESOLVE_H
#define KTSTR_SYMSVC_RESOLVE_H

#include <stddef.h>

#include "ktstr/symsvc.h"
#include "ktstr/symtab.h"

struct btf;

/*
 * Fill @kl from @st and @btf.  Optional entries that are missing just
 * leave their have-bit clear.  Returns 0, or -1 with @err naming the
 * first missing required entry (the layout is still filled as far as
 * possible).
 */
int symsvc_resolve(const struct ktstr_symtab *st, const struct btf *btf,
		   struct ktstr_klayout *kl, char *err, size_t errlen);

#endif
