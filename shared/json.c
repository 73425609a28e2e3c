// SPDX-License-Identifier: GPL-2.0-only
/*
 * json.c — streaming JSON writer (see json.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/json.h>
#include <ktstr/utf8.h>

void ktstr_json_init(struct ktstr_json *j, int indent)
{
	memset(j, 0, sizeof(*j));
	j->indent = indent < 0 ? 0 : (indent > 8 ? 8 : indent);
}

void ktstr_json_free(struct ktstr_json *j)
{
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
}

static int fail(struct ktstr_json *j, int err)
{
	if (!j->err)
		j->err = err;
	return j->err;
}

static int emit(struct ktstr_json *j, const void *p, size_t n)
{
	if (j->err)
		return j->err;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		char *nb;

		while (cap < j->len + n + 1)
			cap *= 2;
		nb = realloc(j->buf, cap);
		if (!nb)
			return fail(j, -ENOMEM);
		j->buf = nb;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
	j->buf[j->len] = '\0';
	return 0;
}

static int emits(struct ktstr_json *j, const char *s)
{
	return emit(j, s, strlen(s));
}

static int newline(struct ktstr_json *j, int depth)
{
	static const char sp[] = "                                ";

	if (!j->indent)
		return 0;
	emit(j, "\n", 1);
	for (long n = (long)depth * j->indent; n > 0; n -= (long)sizeof(sp) - 1)
		emit(j, sp, n < (long)sizeof(sp) - 1 ? (size_t)n : sizeof(sp) - 1);
	return j->err;
}

/* Before any value: check the position is legal, write separators. */
static int pre_value(struct ktstr_json *j)
{
	if (j->err)
		return j->err;
	if (j->depth == 0) {
		if (j->done)
			return fail(j, -EINVAL);
		return 0;
	}
	if (j->kind[j->depth - 1] == '{') {
		if (!j->want_value)
			return fail(j, -EINVAL);
		j->want_value = false;
		return 0;
	}
	if (j->nonempty[j->depth - 1])
		emit(j, ",", 1);
	j->nonempty[j->depth - 1] = true;
	return newline(j, j->depth);
}

static int post_value(struct ktstr_json *j)
{
	if (j->depth == 0)
		j->done = true;
	return j->err;
}

static void escape_into(struct ktstr_json *j, const uint8_t *s, size_t n);

static int write_string(struct ktstr_json *j, const void *s, size_t n)
{
	emit(j, "\"", 1);
	escape_into(j, s, n);
	return emit(j, "\"", 1);
}

int ktstr_json_key(struct ktstr_json *j, const char *key)
{
	if (j->err)
		return j->err;
	if (j->depth == 0 || j->kind[j->depth - 1] != '{' || j->want_value || !key)
		return fail(j, -EINVAL);
	if (j->nonempty[j->depth - 1])
		emit(j, ",", 1);
	j->nonempty[j->depth - 1] = true;
	newline(j, j->depth);
	write_string(j, key, strlen(key));
	j->want_value = true;
	return emits(j, j->indent ? ": " : ":");
}

static int open_container(struct ktstr_json *j, char kind)
{
	if (pre_value(j))
		return j->err;
	if (j->depth >= KTSTR_JSON_MAX_DEPTH)
		return fail(j, -EINVAL);
	j->kind[j->depth] = kind;
	j->nonempty[j->depth] = false;
	j->depth++;
	return emit(j, &kind, 1);
}

static int close_container(struct ktstr_json *j, char kind)
{
	char close = kind == '{' ? '}' : ']';

	if (j->err)
		return j->err;
	if (j->depth == 0 || j->kind[j->depth - 1] != kind || j->want_value)
		return fail(j, -EINVAL);
	j->depth--;
	if (j->nonempty[j->depth])
		newline(j, j->depth);
	emit(j, &close, 1);
	return post_value(j);
}

int ktstr_json_obj_begin(struct ktstr_json *j)
{
	return open_container(j, '{');
}

int ktstr_json_obj_end(struct ktstr_json *j)
{
	return close_container(j, '{');
}

int ktstr_json_arr_begin(struct ktstr_json *j)
{
	return open_container(j, '[');
}

int ktstr_json_arr_end(struct ktstr_json *j)
{
	return close_container(j, '[');
}

static void escape_into(struct ktstr_json *j, const uint8_t *s, size_t n)
{
	size_t run = 0;	/* start of the pending verbatim run */
	size_t i = 0;

	while (i < n && !j->err) {
		uint8_t c = s[i];
		const char *rep = NULL;
		char ubuf[8];
		size_t k = 1;

		if (c == '"')
			rep = "\\\"";
		else if (c == '\\')
			rep = "\\\\";
		else if (c == '\n')
			rep = "\\n";
		else if (c == '\r')
			rep = "\\r";
		else if (c == '\t')
			rep = "\\t";
		else if (c == '\b')
			rep = "\\b";
		else if (c == '\f')
			rep = "\\f";
		else if (c < 0x20) {
			snprintf(ubuf, sizeof(ubuf), "\\u%04x", c);
			rep = ubuf;
		} else if (c >= 0x80) {
			k = ktstr_utf8_seq(s + i, n - i, NULL);
			if (k == 0) {
				rep = "\xef\xbf\xbd";	/* U+FFFD */
				k = 1;
			}
		}
		if (rep) {
			emit(j, s + run, i - run);
			emits(j, rep);
			run = i + k;
		}
		i += k;
	}
	emit(j, s + run, n - run);
}

int ktstr_json_strn(struct ktstr_json *j, const void *s, size_t n)
{
	if (!s)
		return ktstr_json_null(j);
	if (pre_value(j))
		return j->err;
	write_string(j, s, n);
	return post_value(j);
}

int ktstr_json_str(struct ktstr_json *j, const char *s)
{
	return ktstr_json_strn(j, s, s ? strlen(s) : 0);
}

static int scalar(struct ktstr_json *j, const char *text)
{
	if (pre_value(j))
		return j->err;
	emits(j, text);
	return post_value(j);
}

int ktstr_json_u64(struct ktstr_json *j, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	return scalar(j, b);
}

int ktstr_json_i64(struct ktstr_json *j, int64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRId64, v);
	return scalar(j, b);
}

int ktstr_json_double(struct ktstr_json *j, double v)
{
	char b[40];

	if (!isfinite(v))
		return scalar(j, "null");
	/* shortest of %.15g / %.17g that reads back exactly */
	snprintf(b, sizeof(b), "%.15g", v);
	if (strtod(b, NULL) != v)
		snprintf(b, sizeof(b), "%.17g", v);
	return scalar(j, b);
}

int ktstr_json_bool(struct ktstr_json *j, bool v)
{
	return scalar(j, v ? "true" : "false");
}

int ktstr_json_null(struct ktstr_json *j)
{
	return scalar(j, "null");
}

int ktstr_json_finish(struct ktstr_json *j)
{
	if (j->err)
		return j->err;
	if (j->depth != 0 || !j->done)
		return fail(j, -EINVAL);
	if (j->indent)
		return emit(j, "\n", 1);
	return 0;
}

#define KV(name, type)                                                          \
	int ktstr_json_kv_##name(struct ktstr_json *j, const char *key, type v) \
	{                                                                       \
		if (ktstr_json_key(j, key))                                     \
			return j->err;                                          \
		return ktstr_json_##name(j, v);                                 \
	}
KV(str, const char *)
KV(u64, uint64_t)
KV(i64, int64_t)
KV(double, double)
KV(bool, bool)

char *ktstr_json_take(struct ktstr_json *j)
{
	char *out = NULL;

	if (ktstr_json_finish(j) == 0) {
		out = j->buf;
		j->buf = NULL;
	}
	ktstr_json_free(j);
	return out;
}
