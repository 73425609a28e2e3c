// SPDX-License-Identifier: GPL-2.0-only
/* ktstr-init: /args parsing (args.h). */
#include "../tap.h"
#include "args.h"

static int parse(const char *text, struct guest_args *a, char *err, size_t len)
{
	return guest_args_parse(text, strlen(text), a, err, len);
}

int main(void)
{
	struct guest_args a;
	char err[600];

	tap_plan(24);

	/* what tools/ktstr writes for `ktstr run --scheduler scx_simple steady` */
	tap_ok(parse("name=steady\ntopology=1n1l2c1t\nduration_ms=2000\nsched_args=\n"
		     "scheduler=scx_simple\n", &a, err, sizeof(err)) == 0, "supervisor /args parses");
	tap_eq_str(a.name, "steady", "name");
	tap_ok(a.has_topo && a.topo.llcs == 1 && a.topo.cores == 2, "topology NnLlCcTt");
	tap_eq_u64(a.duration_ms, 2000, "duration_ms");
	tap_eq_str(a.sched_args, "", "empty sched_args stays empty (scenario's are used)");
	tap_ok(a.has_scheduler, "scheduler present");
	tap_eq_str(a.scheduler, "scx_simple", "scheduler name");
	tap_eq_u64(a.attach_timeout_ms, GUEST_ATTACH_TIMEOUT_MS, "attach timeout default");
	tap_eq_u64(a.stop_timeout_ms, GUEST_STOP_TIMEOUT_MS, "stop timeout default");
	tap_ok(!a.has_exec && a.workers == 0, "absent keys stay unset");

	tap_ok(parse("# comment\r\n\r\nsched_args=-v  --slice 5\r\nexec=echo a=b; exit 3\r\n"
		     "workers=4\nattach_timeout_ms=9000", &a, err, sizeof(err)) == 0,
	       "comments, blank lines, CRLF, no final newline");
	tap_eq_str(a.sched_args, "-v  --slice 5", "value kept verbatim");
	tap_eq_str(a.exec, "echo a=b; exit 3", "value may contain '='");
	tap_ok(a.workers == 4 && a.attach_timeout_ms == 9000, "numbers");

	tap_ok(parse("topology=1n1l2c1t\nbogus line\n", &a, err, sizeof(err)), "line without '='");
	tap_has_str(err, "/args:2:", "error names file and line");
	tap_ok(parse("duration_ms=0\n", &a, err, sizeof(err)), "duration 0 rejected");
	tap_has_str(err, "duration_ms", "error names the key");
	tap_ok(parse("workers=four\n", &a, err, sizeof(err)), "non-numeric workers rejected");
	tap_ok(parse("topology=3n2l1c1t\n", &a, err, sizeof(err)), "bad topology rejected");
	tap_ok(parse("=x\n", &a, err, sizeof(err)), "empty key rejected");
	tap_ok(guest_args_parse("name=a\0b\n", 9, &a, err, sizeof(err)) != 0, "NUL byte rejected");

	tap_ok(parse("color=blue\nname=x\nfuture_knob=1\n", &a, err, sizeof(err)) == 0 &&
	       a.nunknown == 2, "unknown keys counted, not fatal");
	tap_eq_str(a.unknown, "color,future_knob", "unknown keys named");
	return tap_done();
}
