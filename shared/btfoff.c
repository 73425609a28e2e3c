// SPDX-License-Identifier: GPL-2.0-only
/*
 * btfoff.c — dotted member paths resolved against BTF with libbpf.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ktstr/btfoff.h"

#define BTFOFF_NAME_MAX 128

struct btf *ktstr_btf_load(const char *path, char *err, size_t errlen)
{
	struct btf *btf;

	errno = 0;
	btf = btf__parse_elf(path, NULL);
	if (btf)
		return btf;
	if (errno == ENOENT && access(path, R_OK) == 0)
		snprintf(err, errlen, "%s has no .BTF section (kernel built without "
			 "CONFIG_DEBUG_INFO_BTF?)", path);
	else
		snprintf(err, errlen, "parse BTF of %s: %s", path, strerror(errno ? errno : EINVAL));
	return NULL;
}

static int btfoff_find_struct(const struct btf *btf, const char *name, char *err, size_t errlen)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	if (id <= 0)
		snprintf(err, errlen, "struct %s not in BTF", name);
	return id;
}

int ktstr_btf_struct_size(const struct btf *btf, const char *name, uint32_t *size,
			  char *err, size_t errlen)
{
	int id = btfoff_find_struct(btf, name, err, errlen);
	long long sz;

	if (id <= 0)
		return -1;
	sz = btf__resolve_size(btf, (uint32_t)id);
	if (sz <= 0 || sz > UINT32_MAX) {
		snprintf(err, errlen, "struct %s has no usable size in BTF", name);
		return -1;
	}
	*size = (uint32_t)sz;
	return 0;
}

static const struct btf_type *btfoff_skip(const struct btf *btf, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/*
 * Find member @name in composite @t, descending into anonymous members.
 * On success sets *bit_off (relative to @t) and *type_id; returns 1,
 * 0 when absent, -1 for a bitfield.
 */
static int btfoff_member(const struct btf *btf, const struct btf_type *t, const char *name,
			 uint32_t *bit_off, uint32_t *type_id, int depth)
{
	const struct btf_member *m = btf_members(t);

	if (depth > 16)
		return 0;
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t off = btf_member_bit_offset(t, i);

		if (mn && *mn) {
			if (strcmp(mn, name) != 0)
				continue;
			if (btf_member_bitfield_size(t, i))
				return -1;
			*bit_off = off;
			*type_id = m->type;
			return 1;
		}
		/* anonymous struct/union: its members belong to @t */
		uint32_t sub_id = m->type, sub_off;
		const struct btf_type *sub = btfoff_skip(btf, &sub_id);
		int r;

		if (!sub || !btf_is_composite(sub))
			continue;
		r = btfoff_member(btf, sub, name, &sub_off, type_id, depth + 1);
		if (r) {
			*bit_off = off + sub_off;
			return r;
		}
	}
	return 0;
}

static int btfoff_walk(const struct btf *btf, const char *path, const char *rest, uint32_t id,
		       struct ktstr_btf_field *out, char *err, size_t errlen)
{
	uint64_t bits = 0;
	char comp[BTFOFF_NAME_MAX];
	long long sz;

	while (*rest) {
		const char *dot = strchr(rest, '.');
		size_t len = dot ? (size_t)(dot - rest) : strlen(rest);
		const struct btf_type *t = btfoff_skip(btf, &id);
		uint32_t off = 0;
		int r;

		if (!len || len >= sizeof(comp)) {
			snprintf(err, errlen, "bad field path '%s'", path);
			return -1;
		}
		memcpy(comp, rest, len);
		comp[len] = '\0';
		if (!t || !btf_is_composite(t)) {
			snprintf(err, errlen, "%s: '%s' is not inside a struct", path, comp);
			return -1;
		}
		r = btfoff_member(btf, t, comp, &off, &id, 0);
		if (r <= 0) {
			snprintf(err, errlen, r < 0 ? "%s: member '%s' is a bitfield"
				 : "%s: member '%s' not found in BTF", path, comp);
			return -1;
		}
		bits += off;
		rest += len + (dot ? 1 : 0);
	}
	sz = btf__resolve_size(btf, id);
	if (bits % 8 || bits / 8 > UINT32_MAX || sz < 0 || sz > UINT32_MAX) {
		snprintf(err, errlen, "%s: offset/size not representable", path);
		return -1;
	}
	out->offset = (uint32_t)(bits / 8);
	out->size = (uint32_t)sz;
	return 0;
}

int ktstr_btf_field(const struct btf *btf, const char *path, struct ktstr_btf_field *out,
		    char *err, size_t errlen)
{
	const char *dot = strchr(path, '.');
	char sname[BTFOFF_NAME_MAX];
	size_t len;
	int id;

	if (!dot || dot == path || (len = (size_t)(dot - path)) >= sizeof(sname) || !dot[1]) {
		snprintf(err, errlen, "bad field path '%s' (want struct.member)", path);
		return -1;
	}
	memcpy(sname, path, len);
	sname[len] = '\0';
	id = btfoff_find_struct(btf, sname, err, errlen);
	if (id <= 0)
		return -1;
	return btfoff_walk(btf, path, dot + 1, (uint32_t)id, out, err, errlen);
}
