// SPDX-License-Identifier: GPL-2.0-only
/* ktstr-init: finding sched_ext's disable reason in the kernel log (kmsg.h). */
#include "../tap.h"
#include "kmsg.h"

static int reason(const char *text, char *out, size_t len)
{
	return guest_kmsg_scx_reason(text, strlen(text), out, len);
}

int main(void)
{
	char out[128];

	tap_plan(8);
	tap_eq_i64(reason("sched_ext: BPF scheduler \"simple\" enabled\n"
			  "some other line\n"
			  "sched_ext: BPF scheduler \"simple\" disabled (runnable task stall)\n"
			  "sched_ext: simple: kworker/0:1[25] failed to run for 3.120s\n"
			  "   scx_watchdog_workfn+0x1a/0x30\n", out, sizeof(out)), 1, "stall found");
	tap_eq_str(out, "runnable task stall: kworker/0:1[25] failed to run for 3.120s",
		   "reason and the detail line");
	tap_eq_i64(reason("sched_ext: BPF scheduler \"qmap\" disabled (scx_bpf_error)\n", out,
			  sizeof(out)), 1, "no detail line");
	tap_eq_str(out, "scx_bpf_error", "reason alone");
	reason("sched_ext: BPF scheduler \"a\" disabled (unregistered from user space)\n"
	       "sched_ext: BPF scheduler \"a\" enabled\n"
	       "sched_ext: BPF scheduler \"a\" disabled (runtime error)\n"
	       "sched_ext: b: not the same scheduler\n", out, sizeof(out));
	tap_eq_str(out, "runtime error", "the last disable wins; another name's line is not its detail");
	tap_eq_i64(reason("nothing about sched_ext here\n", out, sizeof(out)), 0, "no match");
	tap_eq_i64(reason("sched_ext: BPF scheduler \"x\" disabled (no close paren\n", out, sizeof(out)),
		   0, "malformed line ignored");
	reason("sched_ext: BPF scheduler \"simple\" disabled (runnable task stall)\n"
	       "sched_ext: simple: a very long message that goes on and on and on and on and on and on "
	       "and on and on and on and on and on and on and on and on and on\n", out, 40);
	tap_eq_u64(strlen(out), 39, "truncated to the buffer");
	return tap_done();
}
