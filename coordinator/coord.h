/* SPDX-License-Identifier: GPL-2.0-only */
/* coord.h (private) — ktstr-coord state shared by its files. */
#ifndef KTSTR_COORD_PRIV_H
#define KTSTR_COORD_PRIV_H

#include "ktstr/comprt.h"
#include "ktstr/snapshot.h"
#include "ktstr/symtab.h"

#define COORD_STEP_NS		(2000ull * 1000 * 1000)	/* deadline of each VMM request */
#define COORD_MAX_FROZEN_MS	5000u			/* the VMM thaws by itself after */
#define COORD_MAX_VCPUS		256u

enum coord_cap_state { CAP_IDLE = 0, CAP_FREEZING, CAP_REGS, CAP_THAWING };

struct coord_capture {
	enum coord_cap_state state;
	struct ktstr_snapshot_request req;
	uint64_t id_freeze, id_regs, id_thaw;
	uint64_t t_start, t_frozen, t_thawed;
	uint32_t nr_vcpus, nr_parked;
	uint32_t nregs;
	struct ktstr_vcpu_regs regs[COORD_MAX_VCPUS];
	char	 err[256];		/* first failure, "" = none */
	struct ktstr_ev *timer;
};

struct coord {
	struct ktstr_comprt rt;
	struct ktstr_symtab st;
	bool	 have_syms;
	struct ktstr_spsc_prod to_vmm;
	struct ktstr_spsc_cons from_vmm;
	uint64_t next_id;
	struct coord_capture cap;
	uint64_t snapshots, errors;
};

/* A guest SNRQ payload arrived (forwarded by the VMM). */
void coord_snapshot_request(struct coord *c, const void *payload, uint32_t len);
/* A REPLY from the VMM. */
void coord_vmm_reply(struct coord *c, const void *payload, uint32_t len);
/* Send a request to the VMM: type + payload (starts with struct ktstr_ctl_req,
 * whose id/deadline this fills).  Returns the id, 0 if the ring is full. */
uint64_t coord_vmm_send(struct coord *c, uint32_t type, void *payload, uint32_t len);

#endif
