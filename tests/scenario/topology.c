// SPDX-License-Identifier: GPL-2.0-only
/* topology.c — NnLlCcTt parse/print round trip, bounds, CPU numbering. */
#include "../tap.h"

#include <ktstr/topology.h>

static void roundtrip(const char *s)
{
	struct ktstr_topology t;
	struct ktstr_diag d = { 0 };
	char buf[KTSTR_TOPO_STR_MAX];

	tap_ok(ktstr_topology_parse(s, &t, &d) == 0, "parse %s (%s)", s, d.msg);
	ktstr_topology_format(&t, buf, sizeof(buf));
	tap_eq_str(buf, s, "print %s", s);
}

static void bad(const char *s, const char *msg)
{
	struct ktstr_topology t;
	struct ktstr_diag d = { 0 };

	tap_ok(ktstr_topology_parse(s, &t, &d) == -1, "reject '%s'", s);
	tap_eq_str(d.msg, msg, "message for '%s'", s);
}

int main(void)
{
	struct ktstr_topology t;
	struct ktstr_cpumask m;
	struct ktstr_diag d;
	char buf[64];

	roundtrip("1n1l2c1t");
	roundtrip("1n2l2c1t");
	roundtrip("2n4l2c2t");
	roundtrip("1n14l9c2t");	/* 252 CPUs, the maximum */

	tap_ok(ktstr_topology_parse("2,4,2,2", &t, &d) == 0 && t.numa_nodes == 2 && t.llcs == 4 &&
	       t.cores == 2 && t.threads == 2, "kernel-argument form N,L,C,T");

	bad("", "empty topology (expected NnLlCcTt, e.g. 1n2l2c1t)");
	bad("1n2l2c", "bad topology '1n2l2c' (expected NnLlCcTt, e.g. 1n2l2c1t)");
	bad("1n2l2c1tx", "bad topology '1n2l2c1tx' (expected NnLlCcTt, e.g. 1n2l2c1t)");
	bad("1l1n2c1t", "bad topology '1l1n2c1t' (expected NnLlCcTt, e.g. 1n2l2c1t)");
	bad("-1n2l2c1t", "bad topology '-1n2l2c1t' (expected NnLlCcTt, e.g. 1n2l2c1t)");
	bad("0n1l2c1t", "topology 0n1l2c1t: every count must be at least 1");
	bad("1n1l0c1t", "topology 1n1l0c1t: every count must be at least 1");
	bad("2n3l2c1t", "topology 2n3l2c1t: llcs (3) must be a multiple of numa nodes (2)");
	bad("1n1l253c1t", "topology 1n1l253c1t: 253 CPUs, at most 252 supported");
	bad("1n16l16c1t", "topology 1n16l16c1t: 256 CPUs, at most 252 supported");
	bad("1n99999999l1c1t", "bad topology '1n99999999l1c1t' (expected NnLlCcTt, e.g. 1n2l2c1t)");

	/* numbering: thread fastest, then core, then LLC; LLC i -> node i/(llcs/nodes) */
	ktstr_topology_parse("2n4l2c2t", &t, &d);
	tap_eq_u64(ktstr_topology_cpus(&t), 16, "2n4l2c2t has 16 CPUs");
	tap_eq_u64(ktstr_topology_cpu_thread(&t, 5), 1, "cpu5 thread 1");
	tap_eq_u64(ktstr_topology_cpu_core(&t, 5), 0, "cpu5 core 0 of its LLC");
	tap_eq_u64(ktstr_topology_cpu_llc(&t, 5), 1, "cpu5 in LLC 1");
	tap_eq_u64(ktstr_topology_cpu_node(&t, 5), 0, "cpu5 on node 0");
	tap_eq_u64(ktstr_topology_cpu_llc(&t, 11), 2, "cpu11 in LLC 2");
	tap_eq_u64(ktstr_topology_cpu_node(&t, 11), 1, "cpu11 on node 1");
	tap_eq_u64(ktstr_topology_cpu_core(&t, 11), 1, "cpu11 core 1");
	tap_eq_u64(ktstr_topology_cpu_core(&t, 14), 1, "cpu14 core 1");

	ktstr_topology_node_mask(&t, 1, &m);
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "8-15", "node 1 mask");
	ktstr_topology_llc_mask(&t, 3, &m);
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "12-15", "llc 3 mask");

	/* usable: all but the last when total > 2 */
	ktstr_topology_usable(&t, &m);
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "0-14", "usable on 16 CPUs");
	t = KTSTR_TOPOLOGY_DEFAULT;
	ktstr_topology_usable(&t, &m);
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "0-1", "usable on 2 CPUs keeps both");
	ktstr_topology_parse("1n1l1c1t", &t, &d);
	ktstr_topology_usable(&t, &m);
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "0", "usable on 1 CPU");
	ktstr_topology_parse("1n1l3c1t", &t, &d);
	ktstr_topology_usable(&t, &m);
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "0-1", "usable on 3 CPUs drops the last");
	return tap_done();
}
