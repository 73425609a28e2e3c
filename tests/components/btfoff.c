// SPDX-License-Identifier: GPL-2.0-only
/*
 * btfoff: dotted member paths on a pahole-made fixture (offsets checked
 * against offsetof() of the same definitions), error messages, and the
 * real cached vmlinux when present.
 */
#include <bpf/btf.h>
#include <stddef.h>

#include "ktstr/btfoff.h"
#include "btffix.h"
#include "../tap.h"
#include "common.h"

static int have_pahole(void)
{
	return system("command -v pahole >/dev/null 2>&1") == 0;
}

static void field_is(const struct btf *btf, const char *path, size_t off, size_t size)
{
	struct ktstr_btf_field f = { 0 };
	char err[256] = "";

	if (ktstr_btf_field(btf, path, &f, err, sizeof(err))) {
		tap_ok(0, "%s: %s", path, err);
		return;
	}
	tap_ok(f.offset == off && f.size == size, "%s = +%u (%u bytes), want +%zu (%zu)", path,
	       f.offset, f.size, off, size);
}

static void fixture(void)
{
	struct btf *btf;
	char err[256] = "";
	struct ktstr_btf_field f;
	uint32_t sz = 0;
	int r;

	if (!have_pahole()) {
		tap_skip("pahole not installed", "BTF fixture");
		return;
	}
	btf = ktstr_btf_load(comp_fixture("btffix.o"), err, sizeof(err));
	if (!btf) {
		tap_ok(0, "load BTF fixture: %s", err);
		return;
	}
	field_is(btf, "fix_rq.nr_running", offsetof(struct fix_rq, nr_running), 4);
	field_is(btf, "fix_rq.clock", offsetof(struct fix_rq, clock), 8);
	field_is(btf, "fix_rq.clock_alias", offsetof(struct fix_rq, clock_alias), 8);
	field_is(btf, "fix_rq.anon_inner", offsetof(struct fix_rq, anon_inner), 4);
	field_is(btf, "fix_rq.scx.nr_running",
		 offsetof(struct fix_rq, scx) + offsetof(struct fix_scx_rq, nr_running), 4);
	field_is(btf, "fix_rq.scx.local_dsq.nr", offsetof(struct fix_rq, scx) +
		 offsetof(struct fix_scx_rq, local_dsq) + offsetof(struct fix_dsq, nr), 4);
	field_is(btf, "fix_rq.nr_switches", offsetof(struct fix_rq, nr_switches), 8);
	r = ktstr_btf_struct_size(btf, "fix_rq", &sz, err, sizeof(err));
	tap_ok(r == 0 && sz == sizeof(struct fix_rq), "sizeof(struct fix_rq) = %u", sz);
	tap_ok(ktstr_btf_field(btf, "fix_rq.bits", &f, err, sizeof(err)) == -1, "bitfield refused");
	tap_has_str(err, "member 'bits' is a bitfield", "bitfield error names the member");
	tap_ok(ktstr_btf_field(btf, "fix_rq.scx.nope", &f, err, sizeof(err)) == -1, "absent member");
	tap_has_str(err, "fix_rq.scx.nope: member 'nope' not found", "absent member named");
	tap_ok(ktstr_btf_field(btf, "no_struct.x", &f, err, sizeof(err)) == -1, "absent struct");
	tap_has_str(err, "struct no_struct not in BTF", "absent struct named");
	tap_ok(ktstr_btf_field(btf, "fix_rq.nr_running.x", &f, err, sizeof(err)) == -1 &&
	       strstr(err, "'x' is not inside a struct"), "member of a scalar refused");
	tap_ok(ktstr_btf_field(btf, "fix_rq", &f, err, sizeof(err)) == -1 &&
	       ktstr_btf_field(btf, "fix_rq..clock", &f, err, sizeof(err)) == -1 &&
	       ktstr_btf_field(btf, "fix_rq.", &f, err, sizeof(err)) == -1, "malformed paths refused");
	btf__free(btf);
}

static void errors(void)
{
	char err[256] = "";

	tap_ok(ktstr_btf_load("/nonexistent/vmlinux", err, sizeof(err)) == NULL, "missing file");
	tap_has_str(err, "/nonexistent/vmlinux", "missing file named");
	tap_ok(ktstr_btf_load(comp_fixture("symfix.o"), err, sizeof(err)) == NULL,
	       "ELF without .BTF refused");
	tap_has_str(err, "has no .BTF section", "no .BTF said plainly");
}

static void real_vmlinux(void)
{
	const char *vm = comp_vmlinux();
	struct ktstr_btf_field nr, clk, scx, snr, ldsq, dnr, deep;
	char err[256] = "";
	uint32_t rq_size = 0;
	struct btf *btf;
	int r;

	if (!vm) {
		tap_skip("no cached vmlinux", "real vmlinux BTF offsets");
		return;
	}
	btf = ktstr_btf_load(vm, err, sizeof(err));
	if (!btf) {
		tap_ok(0, "load BTF of %s: %s", vm, err);
		return;
	}
	r = ktstr_btf_struct_size(btf, "rq", &rq_size, err, sizeof(err));
	tap_ok(r == 0 && rq_size > 64, "sizeof(struct rq) = %u", rq_size);
	r = ktstr_btf_field(btf, "rq.nr_running", &nr, err, sizeof(err));
	tap_ok(r == 0 && nr.offset && nr.offset < rq_size && nr.size == 4, "rq.nr_running +%u",
	       nr.offset);
	r = ktstr_btf_field(btf, "rq.clock", &clk, err, sizeof(err));
	tap_ok(r == 0 && clk.offset && clk.offset < rq_size && clk.size == 8, "rq.clock +%u",
	       clk.offset);
	if (ktstr_btf_field(btf, "rq.scx", &scx, err, sizeof(err)) ||
	    ktstr_btf_field(btf, "scx_rq.local_dsq", &ldsq, err, sizeof(err)) ||
	    ktstr_btf_field(btf, "scx_dispatch_q.nr", &dnr, err, sizeof(err)) ||
	    ktstr_btf_field(btf, "scx_rq.nr_running", &snr, err, sizeof(err)) ||
	    ktstr_btf_field(btf, "rq.scx.local_dsq.nr", &deep, err, sizeof(err))) {
		tap_ok(0, "sched_ext members in BTF: %s", err);
	} else {
		tap_ok(deep.offset == scx.offset + ldsq.offset + dnr.offset && deep.size == 4,
		       "rq.scx.local_dsq.nr +%u = rq.scx + scx_rq.local_dsq + nr", deep.offset);
		tap_ok(scx.offset + snr.offset < rq_size, "rq.scx.nr_running inside struct rq");
	}
	btf__free(btf);
}

int main(void)
{
	fixture();
	errors();
	real_vmlinux();
	return tap_done();
}
