/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jsonread.h — a small, bounded, in-place JSON reader.
 *
 * For JSON we receive from our own side of the fence: QMP replies from
 * QEMU and the run files our components write (monitor.json).  A
 * document is parsed in place into a fixed pool of nodes (first-child /
 * next-sibling links); strings are decoded into the same buffer.  Over a
 * limit or malformed: -EBADMSG, never a read outside [buf, buf + len).
 * The writer is json.h.
 */
#ifndef KTSTR_JSONREAD_H
#define KTSTR_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ktstr_qjson_type { KTSTR_QJ_NULL, KTSTR_QJ_BOOL, KTSTR_QJ_NUM, KTSTR_QJ_STR, KTSTR_QJ_ARR, KTSTR_QJ_OBJ };

struct ktstr_qjson_node {
	uint8_t	 type;
	bool	 b;		/* KTSTR_QJ_BOOL */
	int	 first, next;	/* first child, next sibling (-1: none) */
	const char *key;	/* member name when the parent is an object */
	const char *s;		/* KTSTR_QJ_STR (decoded, NUL-terminated) / KTSTR_QJ_NUM text */
	size_t	 slen;
};

#define KTSTR_QJSON_MAX_NODES 1024
#define KTSTR_QJSON_MAX_DEPTH 32

struct ktstr_qjson {
	struct ktstr_qjson_node n[KTSTR_QJSON_MAX_NODES];
	int	 count;
	char	 numbuf[32];
};

/* Parse one JSON document in buf[0..len) in place (buf is modified). 0 or -EBADMSG. */
int ktstr_qjson_parse(struct ktstr_qjson *j, char *buf, size_t len);
/* Member of an object node (-1 if absent or not an object). Root is node 0. */
int ktstr_qjson_get(const struct ktstr_qjson *j, int obj, const char *key);
/* Typed accessors: NULL / false when the node is absent or of another type. */
const char *ktstr_qjson_str(const struct ktstr_qjson *j, int node);
bool ktstr_qjson_is(const struct ktstr_qjson *j, int node, enum ktstr_qjson_type t);
bool ktstr_qjson_bool(const struct ktstr_qjson *j, int node, bool *out);
bool ktstr_qjson_i64(struct ktstr_qjson *j, int node, int64_t *out);

#endif /* KTSTR_JSONREAD_H */
