// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON writer: structure, escaping, numbers, misuse; strict UTF-8.
 */
#include <errno.h>
#include <math.h>

#include <ktstr/json.h>
#include <ktstr/utf8.h>

#include "../tap.h"

/* Build one string value and return the output (static buffer). */
static const char *one_str(const void *s, size_t n)
{
	static char out[1024];
	struct ktstr_json j;

	ktstr_json_init(&j, 0);
	ktstr_json_strn(&j, s, n);
	snprintf(out, sizeof(out), "%s", ktstr_json_finish(&j) ? "(error)" : j.buf);
	ktstr_json_free(&j);
	return out;
}

static const char *one_double(double v)
{
	static char out[64];
	struct ktstr_json j;

	ktstr_json_init(&j, 0);
	ktstr_json_double(&j, v);
	snprintf(out, sizeof(out), "%s", ktstr_json_finish(&j) ? "(error)" : j.buf);
	ktstr_json_free(&j);
	return out;
}

static void test_structure(void)
{
	struct ktstr_json j;

	ktstr_json_init(&j, 0);
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_str(&j, "name", "steady");
	ktstr_json_kv_u64(&j, "big", UINT64_MAX);
	ktstr_json_kv_i64(&j, "neg", INT64_MIN);
	ktstr_json_kv_bool(&j, "ok", false);
	ktstr_json_key(&j, "cpus");
	ktstr_json_arr_begin(&j);
	ktstr_json_u64(&j, 0);
	ktstr_json_null(&j);
	ktstr_json_obj_begin(&j);
	ktstr_json_obj_end(&j);
	ktstr_json_arr_begin(&j);
	ktstr_json_arr_end(&j);
	ktstr_json_arr_end(&j);
	ktstr_json_obj_end(&j);
	tap_ok(ktstr_json_finish(&j) == 0, "complete document finishes");
	tap_eq_str(j.buf, "{\"name\":\"steady\",\"big\":18446744073709551615,"
		   "\"neg\":-9223372036854775808,\"ok\":false,\"cpus\":[0,null,{},[]]}",
		   "compact output");
	ktstr_json_free(&j);

	ktstr_json_init(&j, 2);
	ktstr_json_obj_begin(&j);
	ktstr_json_kv_u64(&j, "a", 1);
	ktstr_json_key(&j, "b");
	ktstr_json_arr_begin(&j);
	ktstr_json_bool(&j, true);
	ktstr_json_arr_end(&j);
	ktstr_json_key(&j, "c");
	ktstr_json_obj_begin(&j);
	ktstr_json_obj_end(&j);
	ktstr_json_obj_end(&j);
	ktstr_json_finish(&j);
	tap_eq_str(j.buf, "{\n  \"a\": 1,\n  \"b\": [\n    true\n  ],\n  \"c\": {}\n}\n",
		   "indented output");
	ktstr_json_free(&j);
}

static void test_escaping(void)
{
	tap_eq_str(one_str("a\"b\\c/", 6), "\"a\\\"b\\\\c/\"", "quote and backslash escaped");
	tap_eq_str(one_str("\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"", "short escapes");
	tap_eq_str(one_str("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\x7f\"",
		   "other control chars as \\u00XX (DEL is legal JSON)");
	tap_eq_str(one_str("x\0y", 3), "\"x\\u0000y\"", "NUL inside a counted string");
	tap_eq_str(one_str("caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80", 14),
		   "\"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80\"", "well-formed UTF-8 verbatim");
	tap_eq_str(one_str("a\xff" "b", 3), "\"a\xef\xbf\xbd" "b\"", "invalid byte becomes U+FFFD");
	tap_eq_str(one_str("\xe2\x98", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"",
		   "each byte of a truncated sequence becomes U+FFFD");
	tap_eq_str(one_str("\xed\xa0\x80", 3), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		   "encoded surrogate is ill-formed");
	tap_eq_str(one_str("\xc0\x80", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"", "overlong NUL is ill-formed");
}

static void test_numbers(void)
{
	tap_eq_str(one_double(0.1), "0.1", "0.1 shortest form");
	tap_eq_str(one_double(1.0 / 3.0), "0.33333333333333331", "1/3 round-trips (17 digits)");
	tap_eq_str(one_double(1e300), "1e+300", "large exponent");
	tap_eq_str(one_double(NAN), "null", "NaN -> null");
	tap_eq_str(one_double(-INFINITY), "null", "-inf -> null");
	tap_eq_str(one_double(42), "42", "integral double");
}

static void test_misuse(void)
{
	struct ktstr_json j;

	ktstr_json_init(&j, 0);
	ktstr_json_obj_begin(&j);
	tap_eq_i64(ktstr_json_u64(&j, 1), -EINVAL, "value where a key is due: -EINVAL");
	tap_eq_i64(ktstr_json_finish(&j), -EINVAL, "error is sticky");
	ktstr_json_free(&j);

	ktstr_json_init(&j, 0);
	ktstr_json_arr_begin(&j);
	tap_eq_i64(ktstr_json_key(&j, "k"), -EINVAL, "key inside an array: -EINVAL");
	ktstr_json_free(&j);

	ktstr_json_init(&j, 0);
	ktstr_json_arr_begin(&j);
	tap_eq_i64(ktstr_json_obj_end(&j), -EINVAL, "closing the wrong container: -EINVAL");
	ktstr_json_free(&j);

	ktstr_json_init(&j, 0);
	ktstr_json_obj_begin(&j);
	ktstr_json_key(&j, "k");
	tap_eq_i64(ktstr_json_obj_end(&j), -EINVAL, "key without value: -EINVAL");
	ktstr_json_free(&j);

	ktstr_json_init(&j, 0);
	ktstr_json_arr_begin(&j);
	tap_eq_i64(ktstr_json_finish(&j), -EINVAL, "unclosed container: finish fails");
	ktstr_json_free(&j);

	ktstr_json_init(&j, 0);
	ktstr_json_u64(&j, 1);
	tap_eq_i64(ktstr_json_u64(&j, 2), -EINVAL, "two top-level values: -EINVAL");
	ktstr_json_free(&j);

	ktstr_json_init(&j, 0);
	for (int i = 0; i < KTSTR_JSON_MAX_DEPTH; i++)
		ktstr_json_arr_begin(&j);
	tap_ok(j.err == 0 && ktstr_json_arr_begin(&j) == -EINVAL, "nesting beyond %d: -EINVAL",
	       KTSTR_JSON_MAX_DEPTH);
	ktstr_json_free(&j);

	ktstr_json_init(&j, 0);
	tap_eq_i64(ktstr_json_finish(&j), -EINVAL, "empty document: finish fails");
	ktstr_json_free(&j);
}

static void test_utf8(void)
{
	uint32_t cp = 0;

	tap_ok(ktstr_utf8_seq("\xf4\x8f\xbf\xbf", 4, &cp) == 4 && cp == 0x10FFFF, "U+10FFFF decodes");
	tap_eq_u64(ktstr_utf8_seq("\xf4\x90\x80\x80", 4, NULL), 0, "above U+10FFFF refused");
	tap_eq_u64(ktstr_utf8_seq("\xe0\x9f\xbf", 3, NULL), 0, "overlong 3-byte refused");
	tap_ok(ktstr_utf8_seq("\xe2\x82\xac", 2, NULL) == 0, "sequence longer than the input refused");
	tap_ok(ktstr_utf8_valid("", 0) && !ktstr_utf8_valid("a\x80", 2), "valid/invalid buffers");
}

int main(void)
{
	test_structure();
	test_escaping();
	test_numbers();
	test_misuse();
	test_utf8();
	return tap_done();
}
