/* SPDX-License-Identifier: GPL-2.0-only */
/* symsvc.h (private) — the symbol service's state shared by its files. */
#ifndef KTSTR_SYMSVC_PRIV_H
#define KTSTR_SYMSVC_PRIV_H

#include "ktstr/comprt.h"
#include "ktstr/symsvc.h"
#include "ktstr/symtab.h"

struct btf;

struct symsvc_peer {
	const char *name;		/* "coord", "monitor" */
	struct ktstr_spsc_cons req;
	struct ktstr_spsc_prod rep;
	struct symsvc *svc;
	uint64_t served, dropped;
};

struct symsvc {
	struct ktstr_symtab st;
	struct btf *btf;
	struct ktstr_klayout kl;
	struct ktstr_comprt rt;
	struct symsvc_peer peer[2];
};

/* Answer one request; reply written into @rep (<= @cap bytes).  Returns the
 * reply length, or 0 to drop the message (malformed). */
uint32_t symsvc_answer(struct symsvc *svc, uint32_t type, const void *req, uint32_t len,
		       void *rep, uint32_t cap, uint64_t now_ns);

/* Layout as JSON text (caller frees), for --print-layout and the run dir. */
char *symsvc_layout_json(const struct ktstr_klayout *kl, const char *vmlinux);

#endif
