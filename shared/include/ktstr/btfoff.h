/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * btfoff.h — struct member offsets and sizes from vmlinux BTF (libbpf).
 *
 * A field is named by a dotted path starting at a struct name, e.g.
 * "rq.nr_running" or "rq.scx.local_dsq.nr".  Each component after the
 * first is a member of the previous one's type (typedefs and modifiers
 * skipped); members of anonymous structs/unions are found transparently,
 * as the C compiler does.  Bitfields are refused (no byte offset).
 */
#ifndef KTSTR_BTFOFF_H
#define KTSTR_BTFOFF_H

#include <stddef.h>
#include <stdint.h>

struct btf;

struct ktstr_btf_field {
	uint32_t offset;	/* bytes from the start of the outermost struct */
	uint32_t size;		/* bytes of the field's type */
};

/*
 * Parse the .BTF of the ELF file at @path.  NULL with a message in @err
 * naming the file and what is wrong (missing, no .BTF section, corrupt).
 * Free with btf__free().
 */
struct btf *ktstr_btf_load(const char *path, char *err, size_t errlen);

/* sizeof(struct @name).  0, or -1 with @err ("struct rq not in BTF"). */
int ktstr_btf_struct_size(const struct btf *btf, const char *name, uint32_t *size,
			  char *err, size_t errlen);

/* Resolve "struct.member[.member...]".  0, or -1 with @err naming the
 * component that was not found. */
int ktstr_btf_field(const struct btf *btf, const char *path, struct ktstr_btf_field *out,
		    char *err, size_t errlen);

#endif /* KTSTR_BTFOFF_H */
