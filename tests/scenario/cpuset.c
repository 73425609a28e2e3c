// SPDX-License-Identifier: GPL-2.0-only
/* cpuset.c — CPU masks and every cpuset spec kind on three topologies. */
#include "../tap.h"

#include <ktstr/cpuset.h>
#include <ktstr/topology.h>

static struct ktstr_topology topo(const char *s)
{
	struct ktstr_topology t;
	struct ktstr_diag d;

	if (ktstr_topology_parse(s, &t, &d))
		abort();
	return t;
}

static void want(const char *tp, const char *spec, const char *cpus)
{
	struct ktstr_topology t = topo(tp);
	struct ktstr_cpuset_spec sp;
	struct ktstr_cpumask m;
	struct ktstr_diag d = { 0 };
	char buf[1024] = "";
	int rc = ktstr_cpuset_spec_parse(spec, &sp, &d);

	if (!rc)
		rc = ktstr_cpuset_resolve(&sp, &t, &m, &d);
	if (!rc)
		ktstr_cpumask_format(&m, buf, sizeof(buf));
	if (!tap_ok(!rc && !strcmp(buf, cpus), "%s on %s -> %s", spec, tp, cpus))
		tap_diag("got rc=%d '%s' (%s)", rc, buf, d.msg);
}

static void bad(const char *tp, const char *spec, const char *msg)
{
	struct ktstr_topology t = topo(tp);
	struct ktstr_cpuset_spec sp;
	struct ktstr_cpumask m;
	struct ktstr_diag d = { 0 };
	int rc = ktstr_cpuset_spec_parse(spec, &sp, &d);

	if (!rc)
		rc = ktstr_cpuset_resolve(&sp, &t, &m, &d);
	tap_ok(rc == -1, "%s on %s rejected", spec, tp);
	tap_eq_str(d.msg, msg, "message for %s on %s", spec, tp);
}

static void mask_tests(void)
{
	struct ktstr_cpumask m, n;
	struct ktstr_diag d;
	uint8_t bytes[32];
	char buf[1024];

	tap_ok(ktstr_cpumask_parse("0-3,5,64,200-255", &m, &d) == 0, "parse a list");
	tap_eq_u64(ktstr_cpumask_count(&m), 4 + 1 + 1 + 56, "count");
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "0-3,5,64,200-255", "format");
	tap_eq_u64(ktstr_cpumask_format(&m, buf, 4), 16, "format reports the full length when truncated");
	tap_eq_str(buf, "0-3", "truncated output is terminated");
	tap_eq_i64(ktstr_cpumask_nth(&m, 5), 64, "nth");
	tap_eq_i64(ktstr_cpumask_next(&m, 6), 64, "next crosses words");
	ktstr_cpumask_to_bytes(&m, bytes);
	ktstr_cpumask_from_bytes(&n, bytes);
	tap_ok(ktstr_cpumask_equal(&m, &n), "wire bytes round trip");
	tap_eq_u64(bytes[0], 0x2f, "byte 0 = CPUs 0-3,5");
	tap_ok(ktstr_cpumask_parse("256", &m, &d) == -1, "CPU 256 rejected");
	tap_ok(ktstr_cpumask_parse("3-1", &m, &d) == -1, "reversed range rejected");
	tap_ok(ktstr_cpumask_parse("1,,2", &m, &d) == -1, "empty element rejected");
	tap_ok(ktstr_cpumask_parse("", &m, &d) == -1, "empty list rejected");
	ktstr_cpumask_zero(&m);
	ktstr_cpumask_format(&m, buf, sizeof(buf));
	tap_eq_str(buf, "", "empty mask formats as empty");
}

int main(void)
{
	mask_tests();

	/* 1n1l2c1t: 2 CPUs, both usable */
	want("1n1l2c1t", "none", "0-1");
	want("1n1l2c1t", "llc:0", "0-1");
	want("1n1l2c1t", "numa:0", "0-1");
	want("1n1l2c1t", "range:0-0.5", "0");
	want("1n1l2c1t", "range:50%-100%", "1");
	want("1n1l2c1t", "disjoint:0/2", "0");
	want("1n1l2c1t", "disjoint:1/2", "1");
	want("1n1l2c1t", "overlap:0/2:0.5", "0");	/* chunk 1, overlap floor(0.5) = 0 */
	want("1n1l2c1t", "overlap:1/2:1", "0-1");
	want("1n1l2c1t", "1", "1");
	want("1n1l2c1t", "exact:0-1", "0-1");
	bad("1n1l2c1t", "llc:1", "cpuset spec 'llc:1': topology 1n1l2c1t has 1 LLC (llc:0-0)");
	bad("1n1l2c1t", "numa:1", "cpuset spec 'numa:1': topology 1n1l2c1t has 1 NUMA node (numa:0-0)");
	bad("1n1l2c1t", "disjoint:0/3", "cpuset spec 'disjoint:0/3' needs at least 3 usable CPUs, the topology has 2");
	bad("1n1l2c1t", "range:0-0.4", "cpuset spec 'range:0-0.4' selects no CPU on topology 1n1l2c1t (2 usable CPUs)");
	bad("1n1l2c1t", "2-3", "cpuset spec '2-3': CPU 2 does not exist in topology 1n1l2c1t (CPUs 0-1)");

	/* 1n2l2c1t: 4 CPUs, usable 0-2 */
	want("1n2l2c1t", "llc:1", "2-3");	/* llc/numa: the whole domain */
	want("1n2l2c1t", "numa:0", "0-3");
	want("1n2l2c1t", "range:0-0.5", "0");	/* floor(3*0.5) = 1 */
	want("1n2l2c1t", "range:0.5-1", "1-2");
	want("1n2l2c1t", "range:0.34-1", "1-2");
	want("1n2l2c1t", "disjoint:0/2", "0");	/* chunk 1; the last takes the rest */
	want("1n2l2c1t", "disjoint:1/2", "1-2");
	want("1n2l2c1t", "disjoint:2/3", "2");
	want("1n2l2c1t", "overlap:0/2:1", "0-1");
	want("1n2l2c1t", "overlap:1/2:1", "0-2");
	bad("1n2l2c1t", "disjoint:0/4", "cpuset spec 'disjoint:0/4' needs at least 4 usable CPUs, the topology has 3");

	/* 2n4l2c2t: 16 CPUs, usable 0-14 */
	want("2n4l2c2t", "llc:2", "8-11");
	want("2n4l2c2t", "numa:1", "8-15");
	want("2n4l2c2t", "range:0-0.25", "0-2");	/* floor(15*0.25) = 3 */
	want("2n4l2c2t", "range:0.25-0.75", "3-10");	/* 3 .. floor(11.25) = 11 */
	want("2n4l2c2t", "disjoint:0/4", "0-2");	/* chunk 3 */
	want("2n4l2c2t", "disjoint:3/4", "9-14");	/* the last takes the remainder */
	want("2n4l2c2t", "overlap:1/4:0.5", "2-6");	/* overlap floor(1.5) = 1: ranks [3-1, 6+1) */
	want("2n4l2c2t", "overlap:0/3:0.5", "0-6");	/* chunk 5, overlap 2 */
	want("2n4l2c2t", "overlap:2/3:0.5", "8-14");
	want("2n4l2c2t", "0,15", "0,15");		/* exact lists may use the reserved CPU */
	bad("2n4l2c2t", "llc:4", "cpuset spec 'llc:4': topology 2n4l2c2t has 4 LLCs (llc:0-3)");
	bad("2n4l2c2t", "numa:2", "cpuset spec 'numa:2': topology 2n4l2c2t has 2 NUMA nodes (numa:0-1)");

	/* syntax errors */
	bad("1n1l2c1t", "llc", "bad cpuset spec 'llc' (expected none, llc:I, numa:N, range:A-B, disjoint:I/N, overlap:I/N:F or a CPU list like 0-3,5)");
	bad("1n1l2c1t", "llc:x", "bad cpuset spec 'llc:x' (expected none, llc:I, numa:N, range:A-B, disjoint:I/N, overlap:I/N:F or a CPU list like 0-3,5)");
	bad("1n1l2c1t", "range:0.5-0.5", "cpuset spec 'range:0.5-0.5': range start must be below its end");
	bad("1n1l2c1t", "range:0-1.5", "bad cpuset spec 'range:0-1.5' (expected range:A-B with fractions 0 <= A < B <= 1, e.g. range:0-0.5 or range:0%-50%)");
	bad("1n1l2c1t", "range:0-0.1234567", "bad cpuset spec 'range:0-0.1234567' (expected range:A-B with fractions 0 <= A < B <= 1, e.g. range:0-0.5 or range:0%-50%)");
	bad("1n1l2c1t", "disjoint:2/2", "cpuset spec 'disjoint:2/2': partition index must be below the partition count (0 <= I < N)");
	bad("1n1l2c1t", "disjoint:0/0", "cpuset spec 'disjoint:0/0': partition index must be below the partition count (0 <= I < N)");
	bad("1n1l2c1t", "overlap:0/2", "bad cpuset spec 'overlap:0/2' (expected overlap:I/N:F, e.g. overlap:0/2:0.5)");
	bad("1n1l2c1t", "0-3,", "bad CPU list '0-3,' (expected e.g. 0-3,5; CPUs 0-255)");
	return tap_done();
}
