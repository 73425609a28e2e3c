// SPDX-License-Identifier: GPL-2.0-only
/*
 * symtab: the seed's vmlinux_symbol_cache_tests one-to-one, then the ELF
 * loader on a fixture with known symbols, error messages, and the real
 * cached vmlinux when present.
 */
#include <fcntl.h>
#include <stdint.h>

#include "ktstr/symtab.h"
#include "../tap.h"
#include "common.h"

static void seed_lookup_returns_inserted_kva(void)
{
	struct ktstr_symtab st;
	uint64_t v = 0;

	ktstr_symtab_init(&st);
	ktstr_symtab_insert(&st, "scx_root", 0xffff800000004000ull, 0, false);
	ktstr_symtab_insert(&st, "ktstr_err_exit_detected", 0xffff800000008000ull, 0, false);
	tap_ok(ktstr_symtab_lookup(&st, "scx_root", &v) && v == 0xffff800000004000ull,
	       "seed lookup_returns_inserted_kva: scx_root");
	tap_ok(ktstr_symtab_lookup(&st, "ktstr_err_exit_detected", &v) &&
	       v == 0xffff800000008000ull, "seed lookup_returns_inserted_kva: second symbol");
	ktstr_symtab_free(&st);
}

static void seed_lookup_absent(void)
{
	struct ktstr_symtab st;
	uint64_t v = 77;

	ktstr_symtab_init(&st);
	ktstr_symtab_insert(&st, "scx_root", 0xffff800000004000ull, 0, false);
	tap_ok(!ktstr_symtab_lookup(&st, "nonexistent_symbol", &v) && v == 77,
	       "seed lookup_returns_none_for_missing_symbol: absent, value untouched");
	tap_ok(!ktstr_symtab_lookup(&st, "", &v), "seed: empty name is absent");
	ktstr_symtab_free(&st);
}

static void seed_duplicate_last_wins(void)
{
	struct ktstr_symtab st;
	uint64_t v = 0;

	ktstr_symtab_init(&st);
	ktstr_symtab_insert(&st, "dup_sym", 0x1000, 0, true);
	ktstr_symtab_insert(&st, "dup_sym", 0x2000, 0, true);
	tap_ok(ktstr_symtab_lookup(&st, "dup_sym", &v) && v == 0x2000,
	       "seed duplicate_symbol_resolves_to_last_inserted");
	tap_eq_u64(ktstr_symtab_count(&st), 1, "duplicate kept as one entry");
	ktstr_symtab_free(&st);
}

static void seed_empty_cache(void)
{
	struct ktstr_symtab st;

	ktstr_symtab_init(&st);
	tap_ok(!ktstr_symtab_lookup(&st, "any", NULL) && !ktstr_symtab_lookup(&st, "scx_root", NULL),
	       "seed empty_cache_lookup_always_none");
	tap_ok(ktstr_symtab_addr2sym(&st, 0x1000, 0, NULL) == NULL, "empty table: no addr2sym");
	ktstr_symtab_free(&st);
}

static void many_inserts(void)
{
	struct ktstr_symtab st;
	char name[32];
	int bad = 0;

	ktstr_symtab_init(&st);
	for (int i = 0; i < 50000; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		ktstr_symtab_insert(&st, name, (uint64_t)i * 16, 16, true);
	}
	for (int i = 0; i < 50000; i++) {
		uint64_t v, off;
		const char *n;

		snprintf(name, sizeof(name), "s%d", i);
		n = ktstr_symtab_addr2sym(&st, (uint64_t)i * 16 + 5, 0, &off);
		if (!ktstr_symtab_lookup(&st, name, &v) || v != (uint64_t)i * 16 || !n ||
		    strcmp(n, name) || off != 5)
			bad++;
	}
	tap_eq_u64(bad, 0, "50000 names survive rehashing; addr2sym finds each with offset");
	ktstr_symtab_free(&st);
}

static void fixture(void)
{
	struct ktstr_symtab st;
	char err[512] = "";
	uint64_t v = 99, off = 0;
	const char *n;

	if (ktstr_symtab_load(&st, comp_fixture("symfix.o"), err, sizeof(err))) {
		tap_ok(0, "load fixture: %s", err);
		return;
	}
	tap_ok(ktstr_symtab_lookup(&st, "dup_sym", &v) && v == 0x2000,
	       "fixture: local 0x1000 then global 0x2000 -> last (global) wins");
	tap_ok(ktstr_symtab_lookup(&st, "weak_sym", &v) && v == 0x4000,
	       "fixture: weak/strong pair -> the strong definition");
	v = 99;
	tap_ok(ktstr_symtab_lookup(&st, "zero_sym", &v) && v == 0, "fixture: ABS 0 kept");
	v = 99;
	tap_ok(ktstr_symtab_lookup(&st, "data_sym", &v) && v == 0,
	       "fixture: defined object at section offset 0 kept");
	tap_ok(!ktstr_symtab_lookup(&st, "undef_ref", &v), "fixture: SHN_UNDEF reference skipped");
	tap_ok(ktstr_symtab_lookup(&st, "func_sym", NULL), "fixture: function present");
	n = ktstr_symtab_addr2sym(&st, 4, 0, &off);
	tap_ok(n && strcmp(n, "data_sym") == 0 && off == 4, "fixture: addr2sym(4) = data_sym+4 (%s)",
	       n ? n : "none");
	tap_ok(ktstr_symtab_addr2sym(&st, 0x40, 8, &off) == NULL,
	       "fixture: addr past a sized symbol + slack is not attributed to it");
	ktstr_symtab_free(&st);
}

static void errors(void)
{
	struct ktstr_symtab st;
	char err[512] = "", path[] = "/tmp/ktstr-symtab-notelf-XXXXXX";
	int fd;

	tap_ok(ktstr_symtab_load(&st, "/nonexistent/vmlinux", err, sizeof(err)) == -1,
	       "missing file fails");
	tap_has_str(err, "read vmlinux at /nonexistent/vmlinux", "missing file: 'read vmlinux at <path>'");
	fd = mkstemp(path);
	if (fd >= 0) {
		if (write(fd, "this is not an ELF file\n", 24) != 24)
			tap_diag("short write");
		close(fd);
	}
	tap_ok(ktstr_symtab_load(&st, path, err, sizeof(err)) == -1, "non-ELF fails");
	tap_has_str(err, "parse vmlinux ELF: ", "non-ELF: 'parse vmlinux ELF: <err>'");
	tap_has_str(err, "not an ELF file", "non-ELF: says why");
	unlink(path);
	tap_ok(ktstr_symtab_load(&st, comp_fixture("symfix-nosym.o"), err, sizeof(err)) == -1,
	       "stripped ELF fails");
	tap_has_str(err, "no .symtab", "stripped ELF: says no .symtab");
	tap_ok(st.nsyms == 0 && !ktstr_symtab_lookup(&st, "func_sym", NULL),
	       "failed load leaves an empty table");
}

static void real_vmlinux(void)
{
	const char *vm = comp_vmlinux();
	struct ktstr_symtab st;
	char err[512] = "";
	uint64_t rq = 0, j = 0, sched = 0, off = 0;
	const char *n;
	bool ok;

	if (!vm) {
		tap_skip("no cached vmlinux (~/.cache/ktstr/kernels/*/vmlinux, $KTSTR_VMLINUX)",
			 "real vmlinux symbols");
		return;
	}
	if (ktstr_symtab_load(&st, vm, err, sizeof(err))) {
		tap_ok(0, "load %s: %s", vm, err);
		return;
	}
	tap_diag("%s: %u symbols", vm, st.nsyms);
	ok = ktstr_symtab_lookup(&st, "runqueues", &rq);
	tap_ok(ok, "vmlinux: runqueues found (0x%lx)", (unsigned long)rq);
	ok = ktstr_symtab_lookup(&st, "jiffies_64", &j);
	tap_ok(ok && j >= 0xffffffff80000000ull, "vmlinux: jiffies_64 found in the kernel image "
	       "(0x%lx)", (unsigned long)j);
	tap_ok(rq < 0x1000000, "vmlinux: runqueues is a per-CPU section offset");
	tap_ok(ktstr_symtab_lookup(&st, "schedule", &sched) &&
	       (n = ktstr_symtab_addr2sym(&st, sched + 3, 0, &off)) && strcmp(n, "schedule") == 0 &&
	       off == 3, "vmlinux: addr2sym(schedule+3)");
	n = ktstr_symtab_addr2sym(&st, rq, 0, &off);
	tap_ok(!n || strcmp(n, "runqueues") != 0, "vmlinux: per-CPU offsets are not addresses");
	ktstr_symtab_free(&st);
}

int main(void)
{
	seed_lookup_returns_inserted_kva();
	seed_lookup_absent();
	seed_duplicate_last_wins();
	seed_empty_cache();
	many_inserts();
	fixture();
	errors();
	real_vmlinux();
	return tap_done();
}
