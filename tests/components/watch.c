// SPDX-License-Identifier: GPL-2.0-only
/*
 * watch: the seed's arm_user_watchpoint_tests one-to-one (slot order,
 * exhaustion, reuse, alignment, zero KVA, missing symbol, the fail-loud
 * KASLR gate with its inclusive boundary and warn-once log), plus the
 * kick callback and the "rejected calls touch nothing" rule.
 */
#include <stdint.h>

#include "../../coordinator/watch.h"
#include "ktstr/kva.h"
#include "../tap.h"

struct wp_log {
	int warns, kicks;
	char last[1024];
};

static void log_warn(void *arg, const char *msg)
{
	struct wp_log *l = arg;

	l->warns++;
	snprintf(l->last, sizeof(l->last), "%s", msg);
}

static void log_kick(void *arg)
{
	((struct wp_log *)arg)->kicks++;
}

struct fixture {
	struct ktstr_wp_slots slots;
	struct ktstr_symtab st;
	struct ktstr_wp_ctx ctx;
	struct wp_log log;
	char err[1024];
};

static void fx_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	ktstr_symtab_init(&f->st);
	f->ctx = (struct ktstr_wp_ctx){ .slots = &f->slots, .symtab = &f->st, .kick = log_kick,
					.warn = log_warn, .arg = &f->log };
}

static void fx_free(struct fixture *f)
{
	ktstr_wp_ctx_release(&f->ctx);
	ktstr_symtab_free(&f->st);
}

static uint64_t kva_of(struct fixture *f, int i)
{
	return atomic_load(&f->slots.user[i].request_kva);
}

static int all_free(struct fixture *f)
{
	return !kva_of(f, 0) && !kva_of(f, 1) && !kva_of(f, 2) && !atomic_load(&f->slots.any_armed);
}

static int arm(struct fixture *f, const char *sym, uint64_t kaslr)
{
	f->err[0] = '\0';
	return ktstr_wp_arm_user(&f->ctx, sym, kaslr, f->err, sizeof(f->err));
}

static void rejects_unaligned_kva(void)
{
	struct fixture f;

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "misaligned_sym", 0xffff800000004001ull, 0, false);
	tap_ok(arm(&f, "misaligned_sym", 0x10000000) == -1, "rejects_unaligned_kva");
	tap_has_str(f.err, "4-byte aligned", "unaligned error mentions 4-byte alignment");
	tap_ok(all_free(&f) && f.log.kicks == 0, "unaligned: no slot written, no kick");
	fx_free(&f);
}

static void rejects_missing_symbol(void)
{
	struct fixture f;

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "present_sym", 0xffff800000004000ull, 0, false);
	tap_ok(arm(&f, "absent_sym", 0) == -1, "rejects_missing_symbol");
	tap_has_str(f.err, "symbol 'absent_sym' not found in vmlinux symtab", "names the symbol");
	tap_ok(all_free(&f), "missing symbol: no slot written");
	fx_free(&f);
}

static void rejects_zero_kva(void)
{
	struct fixture f;

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "zero_sym", 0, 0, false);
	tap_ok(arm(&f, "zero_sym", 0) == -1, "rejects_zero_kva_explicitly");
	tap_has_str(f.err, "KVA 0", "zero-KVA error says KVA 0");
	tap_has_str(f.err, "zero_sym", "zero-KVA error names the symbol");
	tap_ok(all_free(&f), "zero KVA: no slot written");
	fx_free(&f);
}

static void first_free_slot(void)
{
	struct fixture f;
	uint64_t link = 0xffff800000004000ull, slide = 0x10000000;

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "scx_root", link, 0, false);
	tap_eq_i64(arm(&f, "scx_root", slide), 0, "successful_arm_consumes_first_free_slot: index 0");
	tap_eq_u64(kva_of(&f, 0), link + slide, "slot 0 holds the post-slide KVA");
	tap_eq_str(f.slots.user[0].tag, "scx_root", "slot 0 tag is the symbol");
	tap_eq_u64(atomic_load(&f.slots.any_armed), 1, "any_armed flipped to 1");
	tap_ok(!kva_of(&f, 1) && !kva_of(&f, 2), "sibling slots untouched");
	tap_eq_u64(f.log.kicks, 1, "vCPUs kicked once");
	fx_free(&f);
}

static void index_order(void)
{
	struct fixture f;
	uint64_t slide = 0x10000000;

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "sym_a", 0xffff800000004000ull, 0, false);
	ktstr_symtab_insert(&f.st, "sym_b", 0xffff800000005000ull, 0, false);
	tap_ok(arm(&f, "sym_a", slide) == 0 && arm(&f, "sym_b", slide) == 1,
	       "arms_consume_slots_in_index_order");
	tap_ok(kva_of(&f, 0) == 0xffff800000004000ull + slide &&
	       kva_of(&f, 1) == 0xffff800000005000ull + slide && kva_of(&f, 2) == 0,
	       "slots 0,1 armed in order, slot 2 free");
	fx_free(&f);
}

static void exhaustion_and_reuse(void)
{
	static const char *syms[] = { "sym_a", "sym_b", "sym_c", "sym_d" };
	struct fixture f;
	uint64_t slide = 0x10000000;
	int kicks;

	fx_init(&f);
	for (int i = 0; i < 4; i++)
		ktstr_symtab_insert(&f.st, syms[i], 0xffff800000004000ull + 0x1000ull * (uint64_t)i,
				    0, false);
	for (int i = 0; i < 3; i++)
		arm(&f, syms[i], slide);
	kicks = f.log.kicks;
	tap_ok(arm(&f, "sym_d", slide) == -1, "arm_returns_error_when_all_slots_occupied");
	tap_has_str(f.err, "no free user watchpoint slot", "exhaustion error names the cause");
	tap_has_str(f.err, "slots 1..=3 all occupied", "exhaustion error names the slots");
	tap_has_str(f.err, "(cap = 3)", "exhaustion error gives the cap");
	tap_ok(kva_of(&f, 0) == 0xffff800000004000ull + slide &&
	       kva_of(&f, 1) == 0xffff800000005000ull + slide &&
	       kva_of(&f, 2) == 0xffff800000006000ull + slide && f.log.kicks == kicks,
	       "exhaustion: earlier arms intact, no kick");
	/* slot is checked before the symbol: an unknown name still gets the cap error */
	tap_ok(arm(&f, "no_such_symbol", slide) == -1 &&
	       strstr(f.err, "no free user watchpoint slot"), "slot checked before symbol lookup");
	ktstr_wp_clear(&f.slots, 1);
	tap_eq_i64(arm(&f, "sym_d", slide), 1, "slot_becomes_reusable_after_request_kva_cleared");
	tap_ok(kva_of(&f, 1) == 0xffff800000007000ull + slide &&
	       kva_of(&f, 0) == 0xffff800000004000ull + slide &&
	       kva_of(&f, 2) == 0xffff800000006000ull + slide, "reuse: new KVA in slot 1, others kept");
	tap_eq_str(f.slots.user[1].tag, "sym_d", "reuse: tag replaced");
	fx_free(&f);
}

static void kaslr_gate(void)
{
	struct fixture f;

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "test_sym_warn_high_half", 0xffff800000004040ull, 0, false);
	tap_ok(arm(&f, "test_sym_warn_high_half", 0) == -1,
	       "errs_when_kaslr_zero_against_kernel_high_half");
	tap_has_str(f.err, "test_sym_warn_high_half", "gate error names the symbol");
	tap_has_str(f.err, "0xffff800000004040", "gate error names the link KVA");
	tap_has_str(f.err, "kaslr_offset = 0", "gate error names kaslr_offset");
	tap_has_str(f.err, "nokaslr", "gate error gives the fix");
	tap_ok(all_free(&f), "gate: no slot written");
	tap_eq_u64(f.log.warns, 1, "gate: warned");
	tap_has_str(f.log.last, "arm_user_watchpoint", "warn carries the arm_user_watchpoint marker");
	tap_has_str(f.log.last, "test_sym_warn_high_half", "warn names the symbol");
	tap_has_str(f.log.last, "nokaslr", "warn cites nokaslr");
	tap_ok(arm(&f, "test_sym_warn_high_half", 0) == -1 && strstr(f.err, "nokaslr"),
	       "second arm of the same symbol: error again");
	tap_eq_u64(f.log.warns, 1, "second arm: warn not repeated (once per symbol/KVA)");
	fx_free(&f);

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "test_sym_boundary", KTSTR_KERNEL_HALF, 0, false);
	tap_ok(arm(&f, "test_sym_boundary", 0) == -1 && strstr(f.err, "test_sym_boundary") &&
	       f.log.warns == 1, "errs_when_link_kva_exactly_at_kernel_high_half_boundary (inclusive)");
	ktstr_symtab_insert(&f.st, "test_sym_below", KTSTR_KERNEL_HALF - 4, 0, false);
	tap_eq_i64(arm(&f, "test_sym_below", 0), 0, "one aligned step below the boundary arms");
	tap_eq_u64(f.log.warns, 1, "below the boundary: no warn");
	fx_free(&f);

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "test_sym_warn_nonzero", 0xffff800000005040ull, 0, false);
	tap_eq_i64(arm(&f, "test_sym_warn_nonzero", 0x1000), 0, "no_warn_when_kaslr_nonzero: arms");
	tap_eq_u64(f.log.warns, 0, "no_warn_when_kaslr_nonzero: no warn");
	fx_free(&f);

	fx_init(&f);
	ktstr_symtab_insert(&f.st, "test_sym_warn_low", 0x4000, 0, false);
	tap_eq_i64(arm(&f, "test_sym_warn_low", 0), 0, "no_warn_when_link_kva_below_kernel_high_half");
	tap_ok(f.log.warns == 0 && kva_of(&f, 0) == 0x4000, "low address: armed at 0x4000, no warn");
	fx_free(&f);
}

static void wrapping_add(void)
{
	struct fixture f;

	fx_init(&f);
	/* link + slide wraps to 0x1000: wrapping add, as the seed */
	ktstr_symtab_insert(&f.st, "wrap_sym", 0xfffffffffffff000ull, 0, false);
	tap_ok(arm(&f, "wrap_sym", 0x2000) == 0 && kva_of(&f, 0) == 0x1000, "kva = link + slide wraps");
	ktstr_symtab_insert(&f.st, "wrap_zero", 0xfffffffffffff000ull, 0, false);
	tap_ok(arm(&f, "wrap_zero", 0x1000) == -1 && strstr(f.err, "KVA 0"),
	       "a slide that wraps to 0 is the zero-KVA error");
	fx_free(&f);
}

int main(void)
{
	rejects_unaligned_kva();
	rejects_missing_symbol();
	rejects_zero_kva();
	first_free_slot();
	index_order();
	exhaustion_and_reuse();
	kaslr_gate();
	wrapping_add();
	return tap_done();
}
