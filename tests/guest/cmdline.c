// SPDX-License-Identifier: GPL-2.0-only
/* ktstr-init: /proc/cmdline parsing (cmdline.h). */
#include "../tap.h"
#include "cmdline.h"

int main(void)
{
	struct guest_cmdline c;
	char err[256];

	tap_plan(22);

	tap_ok(guest_cmdline_parse("console=ttyS0 memmap=16M$0x1f000000 KTSTR_SHM_BASE=0x1f000000 "
				   "KTSTR_SHM_SIZE=0x1000000 KTSTR_MODE=run KTSTR_TOPO=1,2,2,1 "
				   "tsc_early_khz=2000000\n", &c, err, sizeof(err)) == 0,
	       "a VMM command line parses");
	tap_ok(c.has_shm, "shm region found");
	tap_eq_u64(c.shm_base, 0x1f000000u, "KTSTR_SHM_BASE");
	tap_eq_u64(c.shm_size, 0x1000000u, "KTSTR_SHM_SIZE");
	tap_eq_u64(c.mode, GUEST_MODE_RUN, "KTSTR_MODE=run");
	tap_ok(c.has_topo && c.topo.numa_nodes == 1 && c.topo.llcs == 2 && c.topo.cores == 2 &&
	       c.topo.threads == 1, "KTSTR_TOPO=1,2,2,1");

	tap_ok(guest_cmdline_parse("KTSTR_SHM_BASE=1f000000 KTSTR_SHM_SIZE=\"0x100000\" KTSTR_MODE=shell "
				   "KTSTR_TERM=\"xterm 256\" KTSTR_COLS=120 KTSTR_ROWS=40",
				   &c, err, sizeof(err)) == 0, "hex without 0x, quoted values");
	tap_eq_u64(c.shm_base, 0x1f000000u, "base without 0x prefix");
	tap_eq_u64(c.shm_size, 0x100000u, "quoted size");
	tap_eq_u64(c.mode, GUEST_MODE_SHELL, "KTSTR_MODE=shell");
	tap_eq_str(c.term, "xterm 256", "quoted value keeps its blank");
	tap_ok(c.cols == 120 && c.rows == 40, "terminal size");

	tap_ok(guest_cmdline_parse("console=ttyS0 quiet", &c, err, sizeof(err)) == 0 && !c.has_shm &&
	       !c.has_topo && c.mode == GUEST_MODE_RUN, "no KTSTR keys: defaults");

	tap_ok(guest_cmdline_parse("KTSTR_SHM_BASE=0xzz KTSTR_SHM_SIZE=0x1000", &c, err, sizeof(err)),
	       "bad hex is an error");
	tap_has_str(err, "KTSTR_SHM_BASE", "the error names the key");
	tap_ok(guest_cmdline_parse("KTSTR_SHM_BASE=0x1000", &c, err, sizeof(err)) && !c.has_shm,
	       "base without size is an error, region unset");
	tap_has_str(err, "KTSTR_SHM_SIZE", "the error names the missing key");
	tap_ok(guest_cmdline_parse("KTSTR_MODE=debug", &c, err, sizeof(err)), "unknown mode rejected");
	tap_ok(guest_cmdline_parse("KTSTR_TOPO=1,3,2,1", &c, err, sizeof(err)) == 0 && c.topo.llcs == 3,
	       "1,3,2,1 is a valid topology");
	tap_ok(guest_cmdline_parse("KTSTR_TOPO=2,3,2,1", &c, err, sizeof(err)),
	       "llcs not a multiple of nodes rejected");
	tap_has_str(err, "KTSTR_TOPO", "topology error names the key");
	tap_ok(guest_cmdline_parse("KTSTR_FUTURE=1 KTSTR_COLS=80", &c, err, sizeof(err)) == 0 &&
	       c.cols == 80, "unknown KTSTR_ keys are ignored");
	return tap_done();
}
