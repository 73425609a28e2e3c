// SPDX-License-Identifier: GPL-2.0-only
/* topo.c — topology parsing and its QEMU mapping; the kernel command line. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "../../vmm/vmm.h"

static void check_args(const char *topo, const char *want_machine, const char *want)
{
	struct ktstr_topology t;
	struct vmm_argv av;
	char err[VMM_ERRLEN], *got;

	tap_ok(vmm_topo_parse(topo, &t, err, sizeof(err)) == 0, "%s parses", topo);
	vmm_argv_init(&av);
	vmm_topo_qemu_args(&t, &av);
	got = vmm_argv_join(&av);
	tap_eq_str(vmm_topo_machine(&t), want_machine, "%s: machine", topo);
	tap_eq_str(got, want, "%s: QEMU arguments", topo);
	free(got);
	vmm_argv_free(&av);
}

static void check_bad(const char *topo, const char *why)
{
	struct ktstr_topology t;
	char err[VMM_ERRLEN] = "";

	tap_ok(vmm_topo_parse(topo, &t, err, sizeof(err)) < 0 && err[0], "'%s' rejected: %s",
	       topo, err);
	tap_has_str(err, why, "'%s' error names the problem", topo);
}

static void check_cmdline(void)
{
	struct ktstr_topology t;
	char err[VMM_ERRLEN], out[VMM_CMDLINE_MAX], big[3000];
	struct vmm_cmdline_in in = { .topo = &t, .shm_base = 0x1ec00000, .shm_size = 0x1000000,
				     .tsc_khz = 2596000, .append = "loglevel=7" };

	vmm_topo_parse("2n2l1c1t", &t, err, sizeof(err));
	tap_ok(vmm_cmdline_build(&in, out, sizeof(out), err, sizeof(err)) == 0, "cmdline builds");
	tap_has_str(out, "memmap=0x1000000$0x1ec00000", "memmap reserves the shm region");
	tap_has_str(out, "KTSTR_SHM_BASE=0x1ec00000 KTSTR_SHM_SIZE=0x1000000", "shm announced");
	tap_has_str(out, "KTSTR_TOPO=2,2,1,1", "topology announced");
	tap_has_str(out, "tsc_early_khz=2596000", "tsc_early_khz present");
	tap_has_str(out, "numa_balancing=disable", "NUMA balancing off with several nodes");
	tap_ok(strstr(out, "clocksource=kvm-clock") == NULL, "no kvm-clock under TCG");
	tap_ok(strstr(out, "nokaslr") == NULL, "no nokaslr for a PVH vmlinux (init would get it)");
	tap_ok(strlen(out) > 10 && !strcmp(out + strlen(out) - 10, "loglevel=7"),
	       "--append comes last");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	in.append = big;
	tap_ok(vmm_cmdline_build(&in, out, sizeof(out), err, sizeof(err)) < 0, "over-long rejected");
	tap_has_str(err, "longer than", "error says why");
}

int main(void)
{
	check_args("1n1l2c1t", "microvm", "-smp cpus=2,sockets=1,cores=2,threads=1");
	check_args("1n2l2c1t", "microvm", "-smp cpus=4,sockets=2,cores=2,threads=1");
	check_args("1n1l2c2t", "microvm", "-smp cpus=4,sockets=1,cores=2,threads=2");
	check_args("2n2l1c1t", "q35",
		   "-smp cpus=2,sockets=2,cores=1,threads=1 -numa node,nodeid=0,cpus=0,memdev=mem0 "
		   "-numa node,nodeid=1,cpus=1,memdev=mem1 -numa dist,src=0,dst=1,val=20");
	check_args("2,4,2,2", "q35",
		   "-smp cpus=16,sockets=4,cores=2,threads=2 -numa node,nodeid=0,cpus=0-7,memdev=mem0 "
		   "-numa node,nodeid=1,cpus=8-15,memdev=mem1 -numa dist,src=0,dst=1,val=20");
	check_bad("", "empty");
	check_bad("1n1l2c", "expected NnLlCcTt");
	check_bad("1n1l2c1tx", "expected NnLlCcTt");
	check_bad("0n1l1c1t", "at least 1");
	check_bad("2n3l1c1t", "multiple of numa nodes");
	check_bad("1n16l16c2t", "at most 252");
	check_bad("1,2,3", "expected NnLlCcTt");
	check_cmdline();
	return tap_done();
}
