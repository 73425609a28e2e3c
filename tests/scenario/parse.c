// SPDX-License-Identifier: GPL-2.0-only
/*
 * parse.c — scenario parser happy paths: every catalog file, the full
 * grammar into the struct, overrides, holds and worker cohorts.
 */
#include "../tap.h"

#include <dirent.h>

#include <ktstr/scenario.h>

static struct ktstr_scenario sc;

static const char full[] =
	"# a comment\r\n"
	"; another comment\n"
	"[scenario]\n"
	"description = \"Full # grammar\"   # trailing comment\n"
	"topology = 1n2l2c1t\n"
	"duration = 1.5s\n"
	"workers = 4\n"
	"scheduler = scx_simple\n"
	"sched_args = -v --slice-us 5000\n"
	"\n"
	"[cgroup cg0]\n"
	"work = bursty(burst=20ms,sleep=30ms)\n"
	"cpuset = disjoint:0/2\n"
	"affinity = single\n"
	"policy = fifo:10\n"
	"nice = -5\n"
	"[cgroup cg1]\n"
	"workers = 2\n"
	"work = pipe_io(iters=64)\n"
	"cpuset = 1-2\n"
	"affinity = 1\n"
	"policy = batch\n"
	"[cgroup late]\n"
	"start = later\n"
	"workers = 1\n"
	"[step 1]\n"
	"hold = 25%\n"
	"[step]\n"
	"op = add_cgroup late\n"
	"op = set_cpuset cg0 llc:1\n"
	"op = spawn cg0 futex_pingpong 2\n"
	"hold = 300ms\n"
	"[step 3]\n"
	"op = swap_cpusets cg0 cg1\n"
	"op = set_affinity cg1 random\n"
	"hold = loop:100ms\n"
	"[step 4]\n"
	"op = move_all late cg1\n"
	"op = stop cg0\n"
	"op = remove_cgroup late\n"
	"hold = full\n"
	"[checks]\n"
	"fairness_spread = 12.5%\n"
	"max_gap = 3s\n"
	"isolation = on\n"
	"starvation = off\n";

static void full_grammar(void)
{
	struct ktstr_diag d = { 0 };
	char buf[256];

	tap_ok(ktstr_scenario_parse_buf("x/full.ktstr", full, strlen(full), &sc, &d) == 0, "full grammar parses (%s)", d.msg);
	tap_eq_str(sc.name, "full", "name from the file name");
	tap_eq_str(sc.description, "Full # grammar", "quoted value keeps '#'");
	tap_eq_u64(sc.duration_ms, 1500, "duration 1.5s");
	tap_eq_str(sc.scheduler, "scx_simple", "scheduler");
	tap_eq_str(sc.sched_args, "-v --slice-us 5000", "sched_args");
	tap_ok(sc.topology_set && sc.topology.llcs == 2, "topology set");
	tap_eq_u64(sc.ncgroups, 3, "3 cgroups");
	tap_eq_u64(sc.cgroups[0].workers, 4, "cg0 takes the scenario default workers");
	tap_ok(!sc.cgroups[0].workers_explicit && sc.cgroups[1].workers_explicit, "explicit flags");
	tap_ok(sc.cgroups[0].work.kind == KTSTR_WORK_BURSTY && sc.cgroups[0].work.burst_ms == 20 &&
	       sc.cgroups[0].work.sleep_ms == 30, "bursty params");
	tap_ok(sc.cgroups[1].work.kind == KTSTR_WORK_PIPE_IO && sc.cgroups[1].work.iters == 64, "pipe_io iters");
	ktstr_cpumask_format(&sc.cgroups[0].cpus, buf, sizeof(buf));
	tap_eq_str(buf, "0", "cg0 cpuset resolved (disjoint:0/2 of 3 usable)");
	tap_eq_u64(sc.cgroups[0].cpuset_line, 13, "cpuset line recorded");
	tap_ok(sc.cgroups[0].affinity.kind == KTSTR_AFF_SINGLE, "affinity single");
	tap_ok(sc.cgroups[1].affinity.kind == KTSTR_AFF_EXACT && ktstr_cpumask_test(&sc.cgroups[1].affinity.exact, 1),
	       "affinity exact");
	tap_ok(sc.cgroups[0].policy.kind == KTSTR_POLICY_FIFO && sc.cgroups[0].policy.prio == 10, "fifo:10");
	tap_eq_i64(sc.cgroups[0].nice, -5, "nice");
	tap_ok(sc.cgroups[2].start_later, "start later");
	tap_eq_u64(sc.nsteps, 4, "4 steps");
	tap_eq_u64(sc.nops, 8, "8 ops");
	tap_ok(sc.steps[1].first_op == 0 && sc.steps[1].nops == 3, "step 2 ops");
	tap_eq_u64(sc.ops[0].kind, KTSTR_OP_ADD_CGROUP, "op kinds keep ktstr's OpKind numbering");
	tap_eq_u64(sc.ops[0].line, 29, "op line");
	ktstr_cpumask_format(&sc.ops[1].cpus, buf, sizeof(buf));
	tap_eq_str(buf, "2-3", "set_cpuset llc:1 resolved");
	tap_ok(sc.ops[2].work.kind == KTSTR_WORK_FUTEX_PINGPONG && sc.ops[2].count == 2, "spawn op");
	tap_eq_u64(ktstr_scenario_hold_ms(&sc, 0), 375, "hold 25%% of 1.5s");
	tap_eq_u64(ktstr_scenario_hold_ms(&sc, 1), 300, "fixed hold");
	tap_eq_u64(sc.steps[2].hold.kind, KTSTR_HOLD_LOOP, "loop hold");
	tap_eq_u64(ktstr_scenario_hold_ms(&sc, 3), 1500, "full hold");
	tap_eq_u64(ktstr_scenario_total_ms(&sc), 3000, "total: 375+300, loop to 1500, then 1500");
	tap_eq_u64(ktstr_scenario_total_workers(&sc), 4 + 2 + 1 + 2, "workers over the run");
	tap_ok(sc.checks.spread_set && sc.checks.spread_bp == 1250, "spread 12.5%");
	tap_ok(sc.checks.gap_set && sc.checks.gap_ms == 3000, "max_gap 3s");
	tap_ok(sc.checks.isolation == KTSTR_ON && sc.checks.starvation == KTSTR_OFF &&
	       sc.checks.fairness == KTSTR_ON && sc.checks.sched == KTSTR_UNSET, "tristates");
}

static void cohorts(void)
{
	struct ktstr_sc_cohort co[KTSTR_SC_MAX_COHORTS];
	char buf[64];
	int n = ktstr_scenario_cohorts(&sc, co, KTSTR_SC_MAX_COHORTS);

	tap_eq_i64(n, 4, "4 cohorts: cg0, cg1 at start, late at step 2, spawn at step 2");
	if (n != 4)
		return;
	tap_ok(co[0].cgroup == 0 && co[0].first_worker == 0 && co[0].nworkers == 4 && co[0].start_step == -1 &&
	       co[0].end_step == 3, "cg0 initial cohort stopped at step 4");
	tap_ok(co[2].cgroup == 2 && co[2].start_step == 1 && co[2].end_step == 4,
	       "late cohort: moved to cg1 before its cgroup was removed, so it runs to the end");
	tap_ok(co[3].cgroup == 0 && co[3].first_worker == 4 && co[3].nworkers == 2 && co[3].start_step == 1,
	       "spawned cohort numbers workers after the initial ones");
	ktstr_cpumask_format(&co[0].cpus, buf, sizeof(buf));
	tap_eq_str(buf, "0-3", "cg0 cohort: union of 0, llc:1 and cg1's 1-2");
	tap_ok(co[0].cpuset_changed, "cg0 cohort saw its cpuset change");
	ktstr_cpumask_format(&co[2].cpus, buf, sizeof(buf));
	tap_eq_str(buf, "0-3", "late cohort: all CPUs (no cpuset), then cg1's");
	ktstr_cpumask_format(&co[1].cpus, buf, sizeof(buf));
	tap_eq_str(buf, "1-3", "cg1 cohort: 1-2 then cg0's 2-3 after the swap");
}

static void overrides(void)
{
	static struct ktstr_scenario copy;
	struct ktstr_topology t;
	struct ktstr_diag d = { 0 };

	ktstr_topology_parse("2n4l2c2t", &t, &d);
	tap_ok(ktstr_scenario_apply_overrides(&sc, &t, 4000, 6, &d) == 0, "override topology/duration/workers (%s)", d.msg);
	tap_eq_u64(sc.duration_ms, 4000, "duration overridden");
	tap_eq_u64(sc.cgroups[0].workers, 6, "default workers overridden");
	tap_eq_u64(sc.cgroups[1].workers, 2, "explicit workers kept");
	tap_eq_u64(ktstr_scenario_hold_ms(&sc, 0), 1000, "percent holds follow the duration");
	tap_eq_u64(ktstr_cpumask_count(&sc.cgroups[0].cpus), 7, "cpusets re-resolved (disjoint:0/2 of 15)");
	copy = sc;
	ktstr_topology_parse("1n1l2c1t", &t, &d);
	tap_ok(ktstr_scenario_apply_overrides(&sc, &t, 0, 0, &d) == -1, "override to a too small topology fails");
	tap_eq_str(d.msg, "x/full.ktstr:20: cpuset spec '1-2': CPU 2 does not exist in topology 1n1l2c1t (CPUs 0-1)",
		   "override error names the file and line");
	tap_ok(!memcmp(&copy, &sc, sizeof(sc)), "failed override leaves the scenario unchanged");
	tap_ok(ktstr_scenario_apply_overrides(&sc, NULL, 0, 3, &d) == 0 && sc.cgroups[0].workers == 3,
	       "odd default workers are fine for bursty");
	{
		const char *p = "[scenario]\n[cgroup pp]\nwork = pipe_io\n";

		tap_ok(ktstr_scenario_parse_buf("pp.ktstr", p, strlen(p), &sc, &d) == 0, "pipe_io scenario");
		tap_ok(ktstr_scenario_apply_overrides(&sc, NULL, 0, 3, &d) == -1, "--workers 3 with pipe_io fails");
		tap_eq_str(d.msg, "pp.ktstr:2: cgroup 'pp': pipe_io pairs its workers, needs an even worker count (got 3)",
			   "pair check after a workers override");
	}
}

static void catalog(void)
{
	const char *src = getenv("KTSTR_SRC");
	char dir[512], path[1024];
	struct dirent *de;
	struct ktstr_topology t1, t2;
	struct ktstr_diag d = { 0 };
	unsigned n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/scenarios", src ? src : ".");
	dp = opendir(dir);
	if (!dp) {
		tap_skip("no scenarios/ directory", "catalog");
		return;
	}
	ktstr_topology_parse("1n1l2c1t", &t1, &d);
	ktstr_topology_parse("1n2l2c1t", &t2, &d);
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);

		if (l < 7 || strcmp(de->d_name + l - 6, ".ktstr"))
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		tap_ok(ktstr_scenario_parse_file(path, &sc, &d) == 0, "catalog %s parses (%s)", de->d_name, d.msg);
		tap_ok(sc.description[0] != '\0', "catalog %s has a description", de->d_name);
		tap_ok(ktstr_scenario_total_ms(&sc) <= 3000, "catalog %s runs at most 3 s", de->d_name);
		tap_ok(ktstr_scenario_apply_overrides(&sc, &t2, 0, 0, &d) == 0, "catalog %s on 1n2l2c1t (%s)",
		       de->d_name, d.msg);
		if (!strcmp(de->d_name, "steady_llc.ktstr"))
			tap_ok(ktstr_scenario_apply_overrides(&sc, &t1, 0, 0, &d) == -1 &&
			       strstr(d.msg, "steady_llc.ktstr:13: cpuset spec 'llc:1'"),
			       "steady_llc needs two LLCs and says so");
		else
			tap_ok(ktstr_scenario_apply_overrides(&sc, &t1, 0, 0, &d) == 0, "catalog %s on 1n1l2c1t (%s)",
			       de->d_name, d.msg);
	}
	closedir(dp);
	tap_ok(n >= 8, "catalog has at least 8 scenarios (%u)", n);
}

static void implicit_step(void)
{
	const char *t = "[scenario]\n[cgroup a]\n";
	struct ktstr_checks c;
	struct ktstr_diag d = { 0 };

	tap_ok(ktstr_scenario_parse_buf("min.ktstr", t, strlen(t), &sc, &d) == 0, "minimal scenario (%s)", d.msg);
	tap_ok(sc.implicit_step && sc.nsteps == 1 && sc.steps[0].hold.frac == KTSTR_FRAC_ONE && sc.steps[0].nops == 0,
	       "implicit single full step");
	tap_ok(sc.duration_ms == KTSTR_SC_DEFAULT_DURATION_MS && sc.cgroups[0].workers == KTSTR_SC_DEFAULT_WORKERS &&
	       sc.cgroups[0].work.kind == KTSTR_WORK_SPIN && !sc.topology_set, "defaults");
	ktstr_checks_defaults(&c);
	ktstr_checks_merge(&c, &sc.checks);
	tap_ok(c.starvation == KTSTR_ON && c.fairness == KTSTR_ON && c.max_gap == KTSTR_ON &&
	       c.isolation == KTSTR_OFF && c.spread_bp == 3500 && c.gap_ms == 2000, "default checks");
	tap_ok(ktstr_scenario_parse_buf("min.ktstr", "", 0, &sc, &d) == -1, "empty file rejected");
}

int main(void)
{
	full_grammar();
	cohorts();
	overrides();
	implicit_step();
	catalog();
	return tap_done();
}
