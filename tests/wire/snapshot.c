// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed contracts (ktstr 0.6.0 freeze_coord helpers): one assertion per
 * seed test, named after it, plus Rust Path edge cases whose expected
 * values were produced by the seed function itself (rustc, std::path).
 */
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <zlib.h>

#include <ktstr/frame.h>
#include <ktstr/snapshot.h>

#include "../tap.h"

#define BASE "/tmp/run/coord.failure-dump.json"

static const char *tp(const char *base, const char *tag)
{
	static char out[4096];

	if (ktstr_snapshot_tagged_path(base, tag, out, sizeof(out)))
		return "(error)";
	return out;
}

static void test_seed_tagged_path(void)
{
	char a[256], b[256];

	tap_eq_str(tp(BASE, "mid_run"), "/tmp/run/coord.snapshot.mid_run.json",
		   "strips_failure_dump_suffix_from_stem");
	tap_eq_str(tp(BASE, "../etc/passwd"), "/tmp/run/coord.snapshot..._etc_passwd.json",
		   "sanitises_path_traversal_in_tag");
	ktstr_snapshot_tagged_path_n(BASE, "x\0y;rm -rf", 10, a, sizeof(a));
	tap_eq_str(a, "/tmp/run/coord.snapshot.x_y_rm_-rf.json", "sanitises_nul_and_shell_metachars_in_tag");
	tap_eq_str(tp(BASE, "x;rm -rf"), "/tmp/run/coord.snapshot.x_rm_-rf.json",
		   "sanitises shell metachars (C string tag)");
	tap_eq_str(tp(BASE, "Tag.1_v-2"), "/tmp/run/coord.snapshot.Tag.1_v-2.json",
		   "preserves_allowed_chars_in_tag");
	tap_eq_str(tp("/tmp/run/coord", "tag1"), "/tmp/run/coord.snapshot.tag1",
		   "no_extension_path_omits_extension");
	tap_eq_str(tp("/tmp/run/.json", "tag1"), "/tmp/run/dump.snapshot.tag1",
		   "no_stem_path_falls_back_to_dump");
	ktstr_snapshot_tagged_path(BASE, "t1", a, sizeof(a));
	ktstr_snapshot_tagged_path(a, "t2", b, sizeof(b));
	tap_ok(!strcmp(a, "/tmp/run/coord.snapshot.t1.json") &&
	       !strcmp(b, "/tmp/run/coord.snapshot.t1.snapshot.t2.json") &&
	       !strcmp(tp(BASE, "t1"), a), "restripping_after_first_tag_is_idempotent_per_call");
	tap_eq_str(tp("/tmp/run/coord.json", "tag1"), "/tmp/run/coord.snapshot.tag1.json",
		   "stem_without_failure_dump_suffix_is_preserved");
	tap_ok(!strcmp(tp(BASE, KTSTR_SNAPSHOT_TAG_EARLY_DEGRADED),
		       "/tmp/run/coord.snapshot.early-degraded.json") &&
	       !strcmp(tp(BASE, KTSTR_SNAPSHOT_TAG_EARLY_PRE_LATE_DEGRADED),
		       "/tmp/run/coord.snapshot.early-pre-late-degraded.json") &&
	       !strcmp(tp(BASE, KTSTR_SNAPSHOT_TAG_EARLY_ONLY_LATE_SUPPRESSED),
		       "/tmp/run/coord.snapshot.early-only-late-suppressed.json") &&
	       !strcmp(tp(BASE, KTSTR_SNAPSHOT_TAG_EARLY_ONLY_LATE_NEVER_FIRED),
		       "/tmp/run/coord.snapshot.early-only-late-never-fired.json"),
	       "snapshot_tagged_path_composition_per_dump_tag_constant");
}

static void test_tag_utf8(void)
{
	tap_eq_str(tp(BASE, "caf\xc3\xa9/../"), "/tmp/run/coord.snapshot.caf__.._.json",
		   "a two-byte UTF-8 character becomes one '_'");
	tap_eq_str(tp(BASE, "\xe2\x98\x83x\xf0\x9f\x98\x80"), "/tmp/run/coord.snapshot._x_.json",
		   "three- and four-byte characters become one '_' each");
	tap_eq_str(tp(BASE, "a\xff\xfe" "b\xe2\x98"), "/tmp/run/coord.snapshot.a__b__.json",
		   "each byte of ill-formed UTF-8 becomes one '_'");
	tap_eq_str(tp(BASE, "\xc0\xaf"), "/tmp/run/coord.snapshot.__.json",
		   "overlong '/' is two bytes of garbage, not a character");
	tap_eq_str(tp(BASE, ""), "/tmp/run/coord.snapshot..json", "empty tag kept empty");
}

/* Expected values from the Rust seed function (std::path, Unix). */
static const struct {
	const char *base, *want;
} rust_cases[] = {
	{ "a.b.c", "a.b.snapshot.mid_run.c" },
	{ "..", "../dump.snapshot.mid_run" },
	{ "/tmp/run/..", "/tmp/run/../dump.snapshot.mid_run" },
	{ "/tmp/run/coord.json/", "/tmp/run/coord.snapshot.mid_run.json" },
	{ "coord.json", "coord.snapshot.mid_run.json" },
	{ "", "dump.snapshot.mid_run" },
	{ "/", "/dump.snapshot.mid_run" },
	{ ".", "./dump.snapshot.mid_run" },
	{ "./x.json", "./x.snapshot.mid_run.json" },
	{ "a.", "a.snapshot.mid_run." },
	{ ".a.b", "dump.snapshot.mid_run.b" },
	{ "..json", "dump.snapshot.mid_run.json" },
	{ "/tmp/run/.", "/tmp/run.snapshot.mid_run" },
	{ "x/./", "x.snapshot.mid_run" },
	{ "//x", "/x.snapshot.mid_run" },
	{ "/tmp//run//coord", "/tmp//run/coord.snapshot.mid_run" },
	{ "a/b/.", "a/b.snapshot.mid_run" },
	{ "a.failure-dump", "a.snapshot.mid_run.failure-dump" },
	{ ".failure-dump.json", "dump.snapshot.mid_run.json" },
	{ "x.failure-dump.failure-dump.json", "x.failure-dump.snapshot.mid_run.json" },
	{ "/tmp/r\xffn/c.json", "/tmp/r\xffn/c.snapshot.mid_run.json" },
	{ "/tmp/c\xff.json", "/tmp/dump.snapshot.mid_run.json" },
	{ "/tmp/c.js\xff", "/tmp/c.snapshot.mid_run" },
	{ "...", "dump.snapshot.mid_run." },
	{ "a..b", "a..snapshot.mid_run.b" },
	{ "/..", "/../dump.snapshot.mid_run" },
	{ "../x", "../x.snapshot.mid_run" },
	{ "./", "./dump.snapshot.mid_run" },
	{ "./.", "././dump.snapshot.mid_run" },
	{ "x/..", "x/../dump.snapshot.mid_run" },
	{ "x/../y.z", "x/../y.snapshot.mid_run.z" },
};

static void test_rust_path_rules(void)
{
	for (size_t i = 0; i < sizeof(rust_cases) / sizeof(rust_cases[0]); i++)
		tap_eq_str(tp(rust_cases[i].base, "mid_run"), rust_cases[i].want,
			   "Rust Path rules: base '%s'", rust_cases[i].base);
}

static void test_tagged_path_errors(void)
{
	char out[64];
	const char *want = "/tmp/run/coord.snapshot.mid_run.json";
	size_t need = strlen(want) + 1;

	memset(out, 'Z', sizeof(out));
	tap_ok(ktstr_snapshot_tagged_path(BASE, "mid_run", out, need - 1) == -ENAMETOOLONG &&
	       out[0] == 'Z', "one byte short: -ENAMETOOLONG, nothing written");
	tap_ok(ktstr_snapshot_tagged_path(BASE, "mid_run", out, need) == 0 && !strcmp(out, want),
	       "exact size fits");
	tap_eq_i64(ktstr_snapshot_tagged_path(NULL, "t", out, sizeof(out)), -EINVAL, "NULL base: -EINVAL");
}

static void test_reply(void)
{
	uint8_t buf[600], want_reason[512];
	char longr[700];
	struct ktstr_frame_hdr h;
	ssize_t n;

	memset(buf, 0xAA, sizeof(buf));
	n = ktstr_frame_snapshot_reply(7, KTSTR_SNAPSHOT_STATUS_ERR, "no such symbol", buf, sizeof(buf));
	ktstr_frame_hdr_get(buf, &h);
	tap_ok(n == 536 && h.msg_type == 0x534E5250u && h.length == 520 && h.pad == 0,
	       "reply frame: 536 bytes, SNRP, length 520, pad 0");
	tap_eq_u64(h.crc32, crc32(0, buf + 16, 520), "CRC over the 520 payload bytes");
	memset(want_reason, 0, sizeof(want_reason));
	memcpy(want_reason, "no such symbol", 14);
	tap_ok(ktstr_get_le32(buf + 16) == 7 && ktstr_get_le32(buf + 20) == 2 &&
	       !memcmp(buf + 24, want_reason, 512) && buf[536] == 0xAA,
	       "payload {id, status, reason zero-filled}; nothing past the frame");

	memset(longr, 'r', sizeof(longr) - 1);
	longr[sizeof(longr) - 1] = '\0';
	memcpy(longr + 510, "\xc3\xa9", 2);	/* a character at the 512-byte cut */
	longr[512] = '\xc3';
	ktstr_frame_snapshot_reply(9, KTSTR_SNAPSHOT_STATUS_ERR, longr, buf, sizeof(buf));
	tap_ok(!memcmp(buf + 24, longr, 512), "reason truncated to 512 bytes");

	n = ktstr_frame_snapshot_reply(3, KTSTR_SNAPSHOT_STATUS_OK, NULL, buf, sizeof(buf));
	memset(want_reason, 0, sizeof(want_reason));
	tap_ok(n == 536 && !memcmp(buf + 24, want_reason, 512), "NULL reason: all-zero reason");
	memset(buf, 0xAA, sizeof(buf));
	tap_ok(ktstr_frame_snapshot_reply(3, 1, "x", buf, 535) == -ENOSPC && buf[0] == 0xAA,
	       "buffer too small: -ENOSPC, nothing written");
}

static void req(uint8_t *p, uint32_t id, uint32_t kind, const char *tag, size_t tlen)
{
	memset(p, 0, 72);
	ktstr_put_le32(p, id);
	ktstr_put_le32(p + 4, kind);
	memcpy(p + 8, tag, tlen);
}

static void test_request(void)
{
	struct ktstr_snapshot_request r;
	uint8_t p[80];
	char full[64];

	req(p, 5, KTSTR_SNAPSHOT_KIND_CAPTURE, "mid_run", 7);
	tap_ok(ktstr_decode_snapshot_request(p, 72, &r) == 0 && r.request_id == 5 &&
	       r.kind == 1 && r.tag_len == 7 && !strcmp(r.tag, "mid_run"), "72-byte CAPTURE decodes");
	tap_eq_i64(ktstr_decode_snapshot_request(p, 71, &r), -EMSGSIZE, "71 bytes: dropped");
	tap_eq_i64(ktstr_decode_snapshot_request(p, 73, &r), -EMSGSIZE, "73 bytes: dropped");
	req(p, 0, 1, "t", 1);
	tap_eq_i64(ktstr_decode_snapshot_request(p, 72, &r), -EINVAL, "request_id 0: dropped");
	req(p, 1, KTSTR_SNAPSHOT_KIND_NONE, "t", 1);
	tap_eq_i64(ktstr_decode_snapshot_request(p, 72, &r), -EINVAL, "kind 0: dropped");
	req(p, 1, 99, "t", 1);
	tap_ok(ktstr_decode_snapshot_request(p, 72, &r) == 0 && r.kind == 99,
	       "unknown non-zero kind decodes (dispatch answers ERR)");
	memset(full, 'x', sizeof(full));
	req(p, 2, KTSTR_SNAPSHOT_KIND_WATCH, full, 64);
	tap_ok(ktstr_decode_snapshot_request(p, 72, &r) == 0 && r.tag_len == 64 &&
	       strlen(r.tag) == 64, "64-byte tag without terminator: all 64 bytes, NUL added");
	req(p, 2, 2, "ab\0cd", 5);
	tap_ok(ktstr_decode_snapshot_request(p, 72, &r) == 0 && r.tag_len == 2, "tag stops at the first NUL");
	req(p, 2, 2, "\xff\xfe", 2);
	tap_ok(ktstr_decode_snapshot_request(p, 72, &r) == 0 && r.tag_len == 2 &&
	       (uint8_t)r.tag[0] == 0xff, "ill-formed UTF-8 kept as raw bytes");
}

static void test_poll_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t v = 1, got = 0;

	if (fd < 0) {
		tap_skip("no eventfd", "poll_eventfd");
		return;
	}
	tap_eq_i64(ktstr_poll_eventfd(fd, 0), 0, "not raised: poll times out");
	if (write(fd, &v, sizeof(v)) != sizeof(v))
		tap_diag("eventfd write failed");
	tap_ok(ktstr_poll_eventfd(fd, 1000) == 1 && ktstr_poll_eventfd(fd, 1000) == 1,
	       "raised once: every waiter sees it (level stays high)");
	tap_ok(read(fd, &got, sizeof(got)) == sizeof(got) && got == 1, "counter was never consumed");
	close(fd);
	tap_ok(ktstr_poll_eventfd(-1, 0) == 0, "invalid fd: returns (poll ignores negative fds)");
}

int main(void)
{
	test_seed_tagged_path();
	test_tag_utf8();
	test_rust_path_rules();
	test_tagged_path_errors();
	test_reply();
	test_request();
	test_poll_eventfd();
	return tap_done();
}
