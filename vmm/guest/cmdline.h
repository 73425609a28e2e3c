/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmdline.h — the kernel command line as ktstr-init reads it: where the
 * shared-memory region is (KTSTR_SHM_BASE/SIZE), the mode (KTSTR_MODE)
 * and the topology the VMM built (KTSTR_TOPO=n,l,c,t), plus the shell
 * mode's terminal hints (KTSTR_TERM, KTSTR_COLS, KTSTR_ROWS).
 *
 * The command line comes from the host but is still checked: a malformed
 * value of a key we use is an error naming the key; unknown keys are
 * ignored (the kernel's own parameters share the line).
 */
#ifndef KTSTR_GUEST_CMDLINE_H
#define KTSTR_GUEST_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/topology.h>

enum guest_mode {
	GUEST_MODE_RUN = 0,	/* run the scenario (default) */
	GUEST_MODE_SHELL,	/* busybox shell, optionally exec=CMD */
};

struct guest_cmdline {
	bool	 has_shm;		/* both KTSTR_SHM_BASE and _SIZE given */
	uint64_t shm_base;
	uint64_t shm_size;
	enum guest_mode mode;
	bool	 has_topo;
	struct ktstr_topology topo;
	char	 term[32];		/* KTSTR_TERM, "" if absent */
	unsigned cols, rows;		/* KTSTR_COLS / KTSTR_ROWS, 0 if absent */
};

/*
 * Parse the text of /proc/cmdline (words separated by blanks, values may
 * be double-quoted).  Returns 0, or -1 with err naming the bad key; on
 * error the keys parsed so far are kept, the bad one is left unset.
 */
int guest_cmdline_parse(const char *text, struct guest_cmdline *c, char *err, size_t errlen);

/* Parse a u64 in hex ("0x" optional, as the VMM writes it). 0 / -1. */
int guest_parse_hex_u64(const char *s, uint64_t *out);

#endif /* KTSTR_GUEST_CMDLINE_H */
