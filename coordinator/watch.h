/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * watch.h — user watchpoint slots and arming (spec §4.3, ktstr 0.6.0 seed
 * arm_user_watchpoint).
 *
 * Hardware slot 0 (DR0) is reserved for the scheduler-error trigger; the
 * three user slots here map to DR1..DR3.  A slot is free while its
 * request_kva is 0.  The consumer (the VMM, which alone may program debug
 * registers) acquire-loads request_kva and then reads the tag.
 */
#ifndef KTSTR_COORD_WATCH_H
#define KTSTR_COORD_WATCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ktstr/symtab.h"

#define KTSTR_WP_USER_SLOTS 3
#define KTSTR_WP_TAG_MAX    256

struct ktstr_wp_slot {
	_Atomic uint64_t request_kva;	/* 0 = free */
	char tag[KTSTR_WP_TAG_MAX];	/* written only while the slot is free */
};

struct ktstr_wp_slots {
	struct ktstr_wp_slot user[KTSTR_WP_USER_SLOTS];
	_Atomic uint32_t any_armed;	/* fast-path gate for the vCPU side */
};

struct ktstr_wp_warned {
	char *symbol;
	uint64_t link_kva;
};

/* One arming context (the coordinator has one). */
struct ktstr_wp_ctx {
	struct ktstr_wp_slots *slots;
	const struct ktstr_symtab *symtab;
	/* Make every vCPU re-read the slots (the real one asks the VMM). */
	void (*kick)(void *arg);
	/* Log a warning (once per (symbol, link_kva) per context). */
	void (*warn)(void *arg, const char *msg);
	void *arg;
	struct ktstr_wp_warned *warned;	/* warn-once set */
	size_t nwarned;
};

/*
 * Arm the lowest free user slot on @symbol's runtime KVA (link value +
 * @kaslr_offset, wrapping).  Returns the slot index 0..2, or -1 with a
 * message in @err; a rejected call leaves every slot untouched.
 */
int ktstr_wp_arm_user(struct ktstr_wp_ctx *c, const char *symbol, uint64_t kaslr_offset,
		      char *err, size_t errlen);

/* Free a slot after its fire was captured (release store of 0). */
void ktstr_wp_clear(struct ktstr_wp_slots *s, unsigned int idx);

void ktstr_wp_ctx_release(struct ktstr_wp_ctx *c);

#endif /* KTSTR_COORD_WATCH_H */
