// SPDX-License-Identifier: GPL-2.0-only
/*
 * watch.c — arm_user_watchpoint: slot first, then symbol, then the KASLR
 * gate, then publish tag -> request_kva (release) -> any_armed, then kick.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktstr/kva.h"
#include "watch.h"

static int wp_free_slot(struct ktstr_wp_slots *s)
{
	for (int i = 0; i < KTSTR_WP_USER_SLOTS; i++)
		if (atomic_load_explicit(&s->user[i].request_kva, memory_order_acquire) == 0)
			return i;
	return -1;
}

/* true the first time (symbol, link_kva) is seen by this context */
static bool wp_first_warn(struct ktstr_wp_ctx *c, const char *symbol, uint64_t link_kva)
{
	struct ktstr_wp_warned *n;

	for (size_t i = 0; i < c->nwarned; i++)
		if (c->warned[i].link_kva == link_kva && strcmp(c->warned[i].symbol, symbol) == 0)
			return false;
	n = realloc(c->warned, (c->nwarned + 1) * sizeof(*n));
	if (!n)
		return true;	/* cannot remember: warning again is harmless */
	c->warned = n;
	n[c->nwarned].symbol = strdup(symbol);
	n[c->nwarned].link_kva = link_kva;
	if (n[c->nwarned].symbol)
		c->nwarned++;
	return true;
}

static void wp_kaslr_warn(struct ktstr_wp_ctx *c, const char *symbol, uint64_t link_kva)
{
	char msg[512];

	if (!c->warn || !wp_first_warn(c, symbol, link_kva))
		return;
	snprintf(msg, sizeof(msg),
		 "arm_user_watchpoint: kaslr_offset = 0 but symbol '%s' link_kva 0x%" PRIx64
		 " is in the x86_64 kernel high half: the KASLR slide is not known yet. "
		 "Refusing to arm at the link-time KVA (it would never match guest writes "
		 "under CONFIG_RANDOMIZE_BASE=y). Boot with `nokaslr` (kaslr=false) so the "
		 "link-time KVA is the runtime KVA. (Logged once per symbol/KVA; the error "
		 "is returned on every arm.)", symbol, link_kva);
	c->warn(c->arg, msg);
}

int ktstr_wp_arm_user(struct ktstr_wp_ctx *c, const char *symbol, uint64_t kaslr_offset,
		      char *err, size_t errlen)
{
	struct ktstr_wp_slot *slot;
	uint64_t link_kva, kva;
	int idx = wp_free_slot(c->slots);

	if (idx < 0) {
		snprintf(err, errlen, "no free user watchpoint slot — slots 1..=3 all occupied "
			 "by prior watch registrations (cap = %d)", KTSTR_WP_USER_SLOTS);
		return -1;
	}
	if (!c->symtab || !ktstr_symtab_lookup(c->symtab, symbol, &link_kva)) {
		snprintf(err, errlen, "symbol '%s' not found in vmlinux symtab", symbol);
		return -1;
	}
	kva = link_kva + kaslr_offset;	/* wrapping, as the seed */
	if (kaslr_offset == 0 && link_kva >= KTSTR_KERNEL_HALF) {
		wp_kaslr_warn(c, symbol, link_kva);
		snprintf(err, errlen, "symbol '%s' link_kva 0x%" PRIx64 " is in the x86_64 kernel "
			 "high half but kaslr_offset = 0 (the KASLR slide is not known); refusing "
			 "to arm at the link-time KVA, which would never match guest writes with "
			 "KASLR on. If nokaslr semantics are intended, boot with `nokaslr` "
			 "(kaslr=false).", symbol, link_kva);
		return -1;
	}
	if (kva == 0) {
		snprintf(err, errlen, "symbol '%s' resolved to KVA 0 — not arm-able (0 is the "
			 "free-slot sentinel; arming would be a silent no-op)", symbol);
		return -1;
	}
	if (kva & 3) {
		snprintf(err, errlen, "symbol '%s' KVA 0x%" PRIx64 " is not 4-byte aligned "
			 "(x86_64 DR_LEN_4 watchpoints need 4-byte aligned targets)", symbol, kva);
		return -1;
	}
	slot = &c->slots->user[idx];
	snprintf(slot->tag, sizeof(slot->tag), "%s", symbol);
	atomic_store_explicit(&slot->request_kva, kva, memory_order_release);
	atomic_store_explicit(&c->slots->any_armed, 1, memory_order_relaxed);
	if (c->kick)
		c->kick(c->arg);
	return idx;
}

void ktstr_wp_clear(struct ktstr_wp_slots *s, unsigned int idx)
{
	if (idx < KTSTR_WP_USER_SLOTS)
		atomic_store_explicit(&s->user[idx].request_kva, 0, memory_order_release);
}

void ktstr_wp_ctx_release(struct ktstr_wp_ctx *c)
{
	for (size_t i = 0; i < c->nwarned; i++)
		free(c->warned[i].symbol);
	free(c->warned);
	c->warned = NULL;
	c->nwarned = 0;
}
