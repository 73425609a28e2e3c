/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json.h — a small streaming JSON writer into a growable buffer.
 *
 * Used for result.json, failure dumps and snapshots.  The writer tracks
 * nesting and the key/value alternation; misuse (a value where a key is
 * due, closing the wrong container, two top-level values, nesting deeper
 * than KTSTR_JSON_MAX_DEPTH) sets a sticky -EINVAL, out of memory a
 * sticky -ENOMEM; every call then does nothing and returns that error,
 * and ktstr_json_finish reports it.  Output is always valid JSON:
 * strings are escaped (", \, control characters as \n/\t/... or
 * \u00XX), each byte of ill-formed UTF-8 becomes U+FFFD, and
 * non-finite doubles are written as null.
 *
 *   struct ktstr_json j;
 *   ktstr_json_init(&j, 2);             // 0 = compact, n = indent by n
 *   ktstr_json_obj_begin(&j);
 *   ktstr_json_kv_str(&j, "name", "steady");
 *   ktstr_json_key(&j, "cpus");
 *   ktstr_json_arr_begin(&j); ktstr_json_u64(&j, 0); ktstr_json_arr_end(&j);
 *   ktstr_json_obj_end(&j);
 *   if (ktstr_json_finish(&j) == 0) write(fd, j.buf, j.len);
 *   ktstr_json_free(&j);
 */
#ifndef KTSTR_JSON_H
#define KTSTR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KTSTR_JSON_MAX_DEPTH 64

struct ktstr_json {
	char	*buf;		/* NUL-terminated output (len bytes) */
	size_t	 len, cap;
	int	 err;		/* sticky: 0, -EINVAL or -ENOMEM */
	int	 indent;
	int	 depth;
	bool	 done;		/* a complete top-level value was written */
	bool	 want_value;	/* inside an object, a key was just written */
	char	 kind[KTSTR_JSON_MAX_DEPTH];	/* '{' or '[' per open level */
	bool	 nonempty[KTSTR_JSON_MAX_DEPTH];
};

void ktstr_json_init(struct ktstr_json *j, int indent);
void ktstr_json_free(struct ktstr_json *j);
/* 0 if a complete value was written without error, else -EINVAL/-ENOMEM.
 * A newline is appended when indenting. */
int ktstr_json_finish(struct ktstr_json *j);
/*
 * Finish, then hand over the text: a malloc'd NUL-terminated string the
 * caller frees, or NULL if the document was incomplete or an error
 * occurred.  Frees the writer either way.
 */
char *ktstr_json_take(struct ktstr_json *j);

int ktstr_json_obj_begin(struct ktstr_json *j);
int ktstr_json_obj_end(struct ktstr_json *j);
int ktstr_json_arr_begin(struct ktstr_json *j);
int ktstr_json_arr_end(struct ktstr_json *j);
int ktstr_json_key(struct ktstr_json *j, const char *key);

int ktstr_json_str(struct ktstr_json *j, const char *s);	/* NULL -> null */
int ktstr_json_strn(struct ktstr_json *j, const void *s, size_t n);
int ktstr_json_u64(struct ktstr_json *j, uint64_t v);
int ktstr_json_i64(struct ktstr_json *j, int64_t v);
int ktstr_json_double(struct ktstr_json *j, double v);	/* NaN/inf -> null */
int ktstr_json_bool(struct ktstr_json *j, bool v);
int ktstr_json_null(struct ktstr_json *j);

/* key + value in one call */
int ktstr_json_kv_str(struct ktstr_json *j, const char *key, const char *s);
int ktstr_json_kv_u64(struct ktstr_json *j, const char *key, uint64_t v);
int ktstr_json_kv_i64(struct ktstr_json *j, const char *key, int64_t v);
int ktstr_json_kv_double(struct ktstr_json *j, const char *key, double v);
int ktstr_json_kv_bool(struct ktstr_json *j, const char *key, bool v);

#endif /* KTSTR_JSON_H */
