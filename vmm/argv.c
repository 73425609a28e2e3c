// SPDX-License-Identifier: GPL-2.0-only
/* argv.c — a growable argument vector for building command lines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

void vmm_argv_init(struct vmm_argv *av)
{
	memset(av, 0, sizeof(*av));
}

void vmm_argv_free(struct vmm_argv *av)
{
	for (size_t i = 0; i < av->n; i++)
		free(av->v[i]);
	free(av->v);
	memset(av, 0, sizeof(*av));
}

void vmm_argv_add(struct vmm_argv *av, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (av->oom)
		return;
	if (av->n + 2 > av->cap) {
		size_t cap = av->cap ? av->cap * 2 : 32;
		char **v = realloc(av->v, cap * sizeof(*v));

		if (!v) {
			av->oom = true;
			return;
		}
		av->v = v;
		av->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		av->oom = true;
		va_end(ap);
		return;
	}
	va_end(ap);
	av->v[av->n++] = s;
	av->v[av->n] = NULL;
}

char *vmm_argv_join(const struct vmm_argv *av)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < av->n; i++)
		len += strlen(av->v[i]) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	*p = '\0';
	for (size_t i = 0; i < av->n; i++) {
		size_t l = strlen(av->v[i]);

		if (i)
			*p++ = ' ';
		memcpy(p, av->v[i], l);
		p += l;
		*p = '\0';
	}
	return out;
}
