// SPDX-License-Identifier: GPL-2.0-only
/*
 * symtab.c — vmlinux symbol table: libelf walk of .symtab into a chained
 * hash (name -> value, last wins) plus an address-sorted index.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktstr/symtab.h"

static uint32_t symtab_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

void ktstr_symtab_init(struct ktstr_symtab *st)
{
	memset(st, 0, sizeof(*st));
}

void ktstr_symtab_free(struct ktstr_symtab *st)
{
	free(st->syms);
	free(st->buckets);
	free(st->names);
	free(st->by_addr);
	ktstr_symtab_init(st);
}

static int symtab_rehash(struct ktstr_symtab *st, uint32_t nb)
{
	uint32_t *b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (uint32_t i = 0; i < st->nsyms; i++) {
		uint32_t h = symtab_hash(st->names + st->syms[i].name) & (nb - 1);

		st->syms[i].next = b[h];
		b[h] = i + 1;
	}
	free(st->buckets);
	st->buckets = b;
	st->nbuckets = nb;
	return 0;
}

static struct ktstr_sym *symtab_find(const struct ktstr_symtab *st, const char *name)
{
	if (!st->nbuckets)
		return NULL;
	for (uint32_t i = st->buckets[symtab_hash(name) & (st->nbuckets - 1)]; i;
	     i = st->syms[i - 1].next)
		if (strcmp(st->names + st->syms[i - 1].name, name) == 0)
			return &st->syms[i - 1];
	return NULL;
}

static int symtab_grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t n = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, (size_t)n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int symtab_add_name(struct ktstr_symtab *st, const char *name, uint32_t *off)
{
	size_t len = strlen(name) + 1;

	if (st->names_len + len > UINT32_MAX)
		return -ENOMEM;
	if (st->names_len + len > st->names_cap) {
		size_t n = st->names_cap ? st->names_cap : 65536;
		char *q;

		while (n < st->names_len + len)
			n *= 2;
		q = realloc(st->names, n);
		if (!q)
			return -ENOMEM;
		st->names = q;
		st->names_cap = n;
	}
	memcpy(st->names + st->names_len, name, len);
	*off = (uint32_t)st->names_len;
	st->names_len += len;
	return 0;
}

static int symtab_index_addr(struct ktstr_symtab *st, uint32_t idx)
{
	if (symtab_grow((void **)&st->by_addr, &st->addr_cap, st->naddr + 1, sizeof(uint32_t)))
		return -ENOMEM;
	st->by_addr[st->naddr++] = idx;
	st->addr_sorted = false;
	return 0;
}

int ktstr_symtab_insert(struct ktstr_symtab *st, const char *name, uint64_t value,
			uint64_t size, bool addressable)
{
	struct ktstr_sym *s = symtab_find(st, name);
	uint32_t off, h;

	if (s) {	/* last one wins */
		s->value = value;
		s->size = size;
		s->addressable = addressable;
		st->addr_sorted = false;
		if (addressable && !s->indexed) {
			s->indexed = true;
			return symtab_index_addr(st, (uint32_t)(s - st->syms));
		}
		return 0;
	}
	if (st->nsyms >= st->nbuckets && symtab_rehash(st, st->nbuckets ? st->nbuckets * 2 : 4096))
		return -ENOMEM;
	if (symtab_grow((void **)&st->syms, &st->cap, st->nsyms + 1, sizeof(*st->syms)) ||
	    symtab_add_name(st, name, &off))
		return -ENOMEM;
	h = symtab_hash(name) & (st->nbuckets - 1);
	st->syms[st->nsyms] = (struct ktstr_sym){ .value = value, .size = size, .name = off,
						  .next = st->buckets[h],
						  .addressable = addressable,
						  .indexed = addressable };
	st->buckets[h] = ++st->nsyms;
	return addressable ? symtab_index_addr(st, st->nsyms - 1) : 0;
}

const struct ktstr_sym *ktstr_symtab_find(const struct ktstr_symtab *st, const char *name)
{
	return symtab_find(st, name);
}

bool ktstr_symtab_lookup(const struct ktstr_symtab *st, const char *name, uint64_t *value)
{
	const struct ktstr_sym *s = symtab_find(st, name);

	if (!s)
		return false;
	if (value)
		*value = s->value;
	return true;
}

static int symtab_cmp_addr(const void *a, const void *b, void *ctx)
{
	const struct ktstr_symtab *st = ctx;
	const struct ktstr_sym *x = &st->syms[*(const uint32_t *)a];
	const struct ktstr_sym *y = &st->syms[*(const uint32_t *)b];

	if (x->addressable != y->addressable)
		return x->addressable ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/* same address: prefer the sized symbol (a function over its alias label) */
	return (x->size < y->size) - (x->size > y->size);
}

/* Sort by address; entries whose symbol stopped being addressable (a later
 * duplicate overwrote it) sort last and are dropped from the index. */
static void symtab_sort(struct ktstr_symtab *st)
{
	if (st->addr_sorted)
		return;
	if (st->naddr)
		qsort_r(st->by_addr, st->naddr, sizeof(uint32_t), symtab_cmp_addr, st);
	while (st->naddr && !st->syms[st->by_addr[st->naddr - 1]].addressable)
		st->syms[st->by_addr[--st->naddr]].indexed = false;
	st->addr_sorted = true;
}

const char *ktstr_symtab_addr2sym(struct ktstr_symtab *st, uint64_t addr, uint64_t slack,
				  uint64_t *offset)
{
	uint32_t lo = 0, hi = st->naddr;
	const struct ktstr_sym *s;

	symtab_sort(st);
	while (lo < hi) {	/* first entry with value > addr */
		uint32_t mid = lo + (hi - lo) / 2;

		if (st->syms[st->by_addr[mid]].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* walk back over same-address entries to the first (largest size) */
	while (lo > 1 && st->syms[st->by_addr[lo - 2]].value == st->syms[st->by_addr[lo - 1]].value)
		lo--;
	s = &st->syms[st->by_addr[lo - 1]];
	if (slack && addr - s->value >= s->size + slack)
		return NULL;
	if (offset)
		*offset = addr - s->value;
	return st->names + s->name;
}

/* ---- ELF loading ---- */

static bool symtab_addressable(Elf *elf, const GElf_Ehdr *eh, const GElf_Sym *sym)
{
	int type = GELF_ST_TYPE(sym->st_info);
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
		return false;
	if (sym->st_shndx == SHN_ABS || sym->st_shndx >= SHN_LORESERVE)
		return false;
	if (eh->e_type != ET_EXEC)
		return true;
	/* per-CPU symbols live in a section with sh_addr 0: offsets, not addresses */
	scn = elf_getscn(elf, sym->st_shndx);
	return scn && gelf_getshdr(scn, &sh) && sh.sh_addr != 0 && (sh.sh_flags & SHF_ALLOC);
}

static int symtab_walk(struct ktstr_symtab *st, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
		       char *err, size_t errlen)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Ehdr eh;
	size_t n;

	if (!data || !sh->sh_entsize || !gelf_getehdr(elf, &eh)) {
		snprintf(err, errlen, "parse vmlinux ELF: unreadable .symtab: %s", elf_errmsg(-1));
		return -1;
	}
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		if (sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name)
			continue;
		if (ktstr_symtab_insert(st, name, sym.st_value, sym.st_size,
					*name && symtab_addressable(elf, &eh, &sym))) {
			snprintf(err, errlen, "parse vmlinux ELF: out of memory");
			return -1;
		}
	}
	return 0;
}

int ktstr_symtab_load(struct ktstr_symtab *st, const char *path, char *err, size_t errlen)
{
	Elf_Scn *scn = NULL;
	int fd, ret = -1;
	bool found = false;
	Elf *elf;

	ktstr_symtab_init(st);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "read vmlinux at %s: %s", path, strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "parse vmlinux ELF: %s: %s", path,
			 elf ? "not an ELF file" : elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		found = true;
		if (symtab_walk(st, elf, scn, &sh, err, errlen))
			goto out;
		break;
	}
	if (!found)
		snprintf(err, errlen, "parse vmlinux ELF: %s has no .symtab (stripped?)", path);
	else
		ret = 0;
out:
	if (ret)
		ktstr_symtab_free(st);
	else
		symtab_sort(st);
	elf_end(elf);
	close(fd);
	return ret;
}
