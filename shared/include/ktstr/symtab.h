/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * symtab.h — the vmlinux ELF symbol table (name -> link-time value, and
 * address -> nearest symbol).
 *
 * Built once from `.symtab` with libelf.  Contract (ktstr 0.6.0 seed,
 * VmlinuxSymbolCache):
 *   - every symbol whose st_shndx != SHN_UNDEF is inserted, value 0 kept
 *     on purpose (per-CPU symbols are section offsets and may be 0);
 *   - duplicate names: the last one in .symtab order wins;
 *   - a lookup of an absent name (including "") says "absent", never 0.
 * Errors: "read vmlinux at <path>: <why>", "parse vmlinux ELF: <why>".
 *
 * Address -> symbol uses a second, sorted array of the FUNC/OBJECT/NOTYPE
 * symbols that have a real address (ET_EXEC: the section has sh_addr != 0,
 * which excludes per-CPU offsets), binary searched.
 */
#ifndef KTSTR_SYMTAB_H
#define KTSTR_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ktstr_sym {
	uint64_t value;
	uint64_t size;
	uint32_t name;		/* offset into ktstr_symtab.names */
	uint32_t next;		/* hash chain: index + 1, 0 = end */
	bool addressable;	/* current value is an address */
	bool indexed;		/* present in by_addr */
};

struct ktstr_symtab {
	struct ktstr_sym *syms;	/* one entry per distinct name */
	uint32_t nsyms, cap;
	uint32_t *buckets;	/* index + 1 into syms, 0 = empty */
	uint32_t nbuckets;	/* power of two */
	char *names;		/* NUL-terminated names, back to back */
	size_t names_len, names_cap;
	uint32_t *by_addr;	/* indexes into syms sorted by value */
	uint32_t naddr, addr_cap;
	bool addr_sorted;
};

/* An empty table (lookups say absent). */
void ktstr_symtab_init(struct ktstr_symtab *st);
void ktstr_symtab_free(struct ktstr_symtab *st);

/*
 * Load every defined symbol of the ELF file at @path.  0 on success, -1
 * with a message in @err ("read vmlinux at ...", "parse vmlinux ELF: ...")
 * and @st left empty.  A file without a SHT_SYMTAB section is an error
 * (stripped vmlinux): a silent empty table would hide the real problem.
 */
int ktstr_symtab_load(struct ktstr_symtab *st, const char *path, char *err, size_t errlen);

/*
 * Insert or overwrite (last wins).  @addressable: also index it for
 * address -> symbol.  0, or -ENOMEM.
 */
int ktstr_symtab_insert(struct ktstr_symtab *st, const char *name, uint64_t value,
			uint64_t size, bool addressable);

/* true and *value set when @name is present; false = absent. */
bool ktstr_symtab_lookup(const struct ktstr_symtab *st, const char *name, uint64_t *value);

/* The entry for @name (value and st_size), or NULL when absent. */
const struct ktstr_sym *ktstr_symtab_find(const struct ktstr_symtab *st, const char *name);

/*
 * Nearest addressable symbol at or below @addr.  Returns its name and sets
 * *offset = addr - value, or NULL when @addr is below every symbol or past
 * the end of a sized symbol by more than @slack bytes (0 = no limit).
 */
const char *ktstr_symtab_addr2sym(struct ktstr_symtab *st, uint64_t addr, uint64_t slack,
				  uint64_t *offset);

static inline uint32_t ktstr_symtab_count(const struct ktstr_symtab *st)
{
	return st->nsyms;
}

#endif /* KTSTR_SYMTAB_H */
