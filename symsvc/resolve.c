// SPDX-License-Identifier: GPL-2.0-only
/*
 * resolve.c — kernel layout from vmlinux: symbols by name, member offsets
 * by BTF path (names in shared/klayout.c, rationale in docs/symsvc.md).
 */
#include <stdio.h>
#include <string.h>

#include "ktstr/btfoff.h"
#include "resolve.h"

static void resolve_syms(const struct ktstr_symtab *st, struct ktstr_klayout *kl)
{
	for (unsigned i = 0; i < KTSTR_KSYM_NR; i++) {
		const struct ktstr_sym *s = ktstr_symtab_find(st, ktstr_ksym_name(i));

		if (!s)
			continue;
		kl->sym[i] = s->value;
		kl->sym_have |= 1ull << i;
		if (i == KTSTR_KSYM_PER_CPU_OFFSET && s->size % 8 == 0 && s->size / 8 <= 8192)
			kl->nr_cpus_max = (uint32_t)(s->size / 8);
	}
}

static void resolve_offs(const struct btf *btf, struct ktstr_klayout *kl)
{
	char err[256];

	if (ktstr_btf_struct_size(btf, "rq", &kl->rq_size, err, sizeof(err)))
		kl->rq_size = 0;
	for (unsigned i = 0; i < KTSTR_KOFF_NR; i++) {
		struct ktstr_btf_field f;

		if (ktstr_btf_field(btf, ktstr_koff_path(i), &f, err, sizeof(err)))
			continue;
		kl->off[i] = f.offset;
		kl->off_size[i] = f.size;
		kl->off_have |= 1ull << i;
	}
}

int symsvc_resolve(const struct ktstr_symtab *st, const struct btf *btf,
		   struct ktstr_klayout *kl, char *err, size_t errlen)
{
	memset(kl, 0, sizeof(*kl));
	kl->version = KTSTR_KLAYOUT_VERSION;
	resolve_syms(st, kl);
	if (btf)
		resolve_offs(btf, kl);
	return ktstr_klayout_check(kl, err, errlen) ? -1 : 0;
}
