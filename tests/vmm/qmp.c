// SPDX-License-Identifier: GPL-2.0-only
/* qmp.c — QMP line parsing (canned QEMU 7.2 replies, garbage) and "info registers". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "../../vmm/vmm.h"

static struct ktstr_qjson js;

static int parse(const char *text, int64_t *id, struct qmp_reply *rep, struct qmp_event *ev)
{
	char *copy = strdup(text);
	int ret = qmp_parse_line(&js, copy, strlen(copy), id, rep, ev);

	free(copy);
	return ret;
}

static void canned(void)
{
	struct qmp_reply rep;
	struct qmp_event ev;
	int64_t id;

	tap_eq_i64(parse("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, "
			 "\"major\": 7}, \"package\": \"Debian\"}, \"capabilities\": [\"oob\"]}}",
			 &id, &rep, &ev), 3, "greeting recognised");
	tap_eq_i64(parse("{\"return\": {}, \"id\": 1}", &id, &rep, &ev), 1, "empty return");
	tap_ok(rep.ok && id == 1, "ok with id 1");
	tap_eq_i64(parse("{\"return\": {\"status\": \"paused\", \"singlestep\": false, "
			 "\"running\": false}, \"id\": 2}", &id, &rep, &ev), 1, "query-status");
	tap_eq_str(rep.status, "paused", "status text");
	tap_ok(!rep.running && id == 2, "running false, id 2");
	tap_eq_i64(parse("{\"id\": 6, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
			 "\"The command nosuch has not been found\"}}", &id, &rep, &ev), 1, "error");
	tap_ok(!rep.ok && id == 6, "error is not ok, id 6");
	tap_eq_str(rep.err_class, "CommandNotFound", "error class");
	tap_has_str(rep.err_desc, "nosuch", "error desc");
	tap_eq_i64(parse("{\"timestamp\": {\"seconds\": 1795578356, \"microseconds\": 568371}, "
			 "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": "
			 "\"guest-shutdown\"}}", &id, &rep, &ev), 2, "SHUTDOWN event");
	tap_eq_str(ev.name, "SHUTDOWN", "event name");
	tap_eq_str(ev.reason, "guest-shutdown", "event reason");
	tap_ok(ev.guest, "guest-initiated");
	tap_eq_i64(parse("{\"return\": \"\\r\\nCPU#0\\r\\nRIP=\\u0041\\u00e9\\ud83d\\ude00\", "
			 "\"id\": 9}", &id, &rep, &ev), 1, "string return with escapes");
	tap_eq_str(rep.ret_str, "\r\nCPU#0\r\nRIP=A\xc3\xa9\xf0\x9f\x98\x80", "escapes decoded");
	free(rep.ret_str);
}

static void garbage(void)
{
	static const char *bad[] = {
		"", "{", "}", "{\"return\": }", "{\"return\": {}, }", "[1, 2", "\"abc",
		"{\"a\": \"\\u12\"}", "{\"a\": \"\\u0000\"}", "{\"a\": \"x\\q\"}", "{\"a\" 1}",
		"{\"a\": tru}", "{} {}", "{\"a\": \"\x01\"}", "nul", "{\"event\": 5}",
	};
	struct qmp_reply rep;
	struct qmp_event ev;
	int64_t id;
	char deep[200];
	int bad_ok = 1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(bad[i], &id, &rep, &ev);

		if (r != -EBADMSG) {
			bad_ok = 0;
			tap_diag("accepted: %s (%d)", bad[i], r);
		}
	}
	tap_ok(bad_ok, "malformed lines rejected with -EBADMSG");
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	tap_eq_i64(parse(deep, &id, &rep, &ev), -EBADMSG, "nesting beyond the depth limit");
	tap_eq_i64(parse("[1,2,3]", &id, &rep, &ev), -EBADMSG, "non-object top level");
	tap_eq_i64(parse("{\"other\": 1}", &id, &rep, &ev), 0, "unknown message ignored");
	/* a pseudo-random fuzz round: must never crash (ASan run in make check SANITIZE=1) */
	srand(1);
	for (int i = 0; i < 20000; i++) {
		char buf[64];
		size_t n = (size_t)(rand() % 63);

		for (size_t k = 0; k < n; k++)
			buf[k] = "{}[]\":,\\u0aetrfnl1 -"[rand() % 21];
		buf[n] = '\0';
		if (parse(buf, &id, &rep, &ev) == 1)
			free(rep.ret_str);
	}
	tap_ok(1, "20000 random lines parsed without a crash");
}

static char *load_fixture(const char *name)
{
	const char *src = getenv("KTSTR_SRC");
	char path[512], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/vmm/%s", src ? src : ".", name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void regs(const char *fixture, int want_cpus, uint64_t rip0, uint64_t rsp0, uint64_t cr3_0,
		 int long_mode)
{
	struct vmm_vcpu_regs r[8];
	struct qmp_reply rep;
	struct qmp_event ev;
	char *text = load_fixture(fixture);
	int64_t id;
	size_t len;

	if (!text) {
		tap_skip("fixture missing (KTSTR_SRC?)", "%s", fixture);
		return;
	}
	len = strcspn(text, "\r\n");
	text[len] = '\0';
	tap_eq_i64(qmp_parse_line(&js, text, len, &id, &rep, &ev), 1, "%s: HMP reply", fixture);
	tap_eq_i64(vmm_regs_parse(rep.ret_str, r, 8), want_cpus, "%s: vCPUs", fixture);
	tap_ok(r[0].rip == rip0 && r[0].rsp == rsp0 && r[0].cr3 == cr3_0,
	       "%s: CPU#0 rip %llx rsp %llx cr3 %llx", fixture, (unsigned long long)r[0].rip,
	       (unsigned long long)r[0].rsp, (unsigned long long)r[0].cr3);
	tap_ok(r[0].long_mode == long_mode && r[1].cpu == 1 && r[0].halted, "%s: mode, ids, HLT",
	       fixture);
	tap_eq_i64(vmm_regs_parse(rep.ret_str, r, 1), 1, "%s: capped at max", fixture);
	/* cut the text in the middle of CPU#1: that block lacks registers */
	rep.ret_str[strstr(rep.ret_str, "CPU#1") - rep.ret_str + 40] = '\0';
	tap_eq_i64(vmm_regs_parse(rep.ret_str, r, 8), -EBADMSG, "%s: truncated text rejected",
		   fixture);
	free(rep.ret_str);
	free(text);
	tap_eq_i64(vmm_regs_parse("garbage\nRIP=1\n", r, 8), 0, "text without CPU# blocks");
}

int main(void)
{
	canned();
	garbage();
	regs("regs64.json", 2, 0xffffffff813ed903ull, 0xffffffff81a03eb0ull, 0x1a15000, 1);
	regs("regs32.json", 2, 0xb7b9, 0x6f94, 0, 0);
	return tap_done();
}
