// SPDX-License-Identifier: GPL-2.0-only
/*
 * parse_errors.c — one case per error class: the exact "file:line:
 * message" the parser must produce.
 */
#include "../tap.h"

#include <ktstr/scenario.h>

#define HDR "[scenario]\nduration = 2s\n"		/* lines 1-2 */
#define CG2 "[cgroup cg0]\n[cgroup cg1]\n"		/* lines 3-4 */

struct ecase {
	const char *what, *text, *msg;
};

static const struct ecase cases[] = {
	{ "unknown work type", HDR "[cgroup cg0]\nwork = spinn\n",
	  "t.ktstr:4: unknown work type 'spinn' (expected one of spin, yield, mixed, io_sync, bursty, pipe_io, futex_pingpong, fork_exit)" },
	{ "unknown key", HDR "[cgroup cg0]\nworkerz = 2\n",
	  "t.ktstr:4: unknown key 'workerz' in [cgroup cg0] (expected workers, work, cpuset, affinity, policy, nice, start)" },
	{ "unknown section", HDR "[cgroups]\n",
	  "t.ktstr:3: unknown section [cgroups] (expected [scenario], [cgroup NAME], [step N] or [checks])" },
	{ "key outside a section", "duration = 2s\n",
	  "t.ktstr:1: key 'duration' outside a section (start with [scenario])" },
	{ "not key=value", HDR "[cgroup cg0]\nwork spin\n",
	  "t.ktstr:4: expected 'key = value' or a [section], got 'work spin'" },
	{ "duplicate key", HDR "[cgroup cg0]\nwork = spin\nwork = yield\n",
	  "t.ktstr:5: duplicate key 'work' in [cgroup cg0] (first set at line 4)" },
	{ "duplicate cgroup", HDR CG2 "[cgroup cg0]\n",
	  "t.ktstr:5: duplicate cgroup 'cg0' (first declared at line 3)" },
	{ "duplicate section", HDR "[scenario]\n", "t.ktstr:3: duplicate section [scenario]" },
	{ "bad cgroup name", HDR "[cgroup cg.0]\n",
	  "t.ktstr:3: cgroup name 'cg.0' may only use A-Z a-z 0-9 _ -" },
	{ "long cgroup name", HDR "[cgroup abcdefghijklmnopqrstuvwxyz0123456]\n",
	  "t.ktstr:3: cgroup name 'abcdefghijklmnopqrstuvwxyz0123456' must be 1-31 characters" },
	{ "unknown cgroup in op", HDR CG2 "[step 1]\nhold = 1s\nop = stop cg9\n",
	  "t.ktstr:7: unknown cgroup 'cg9' in op (declared above: cg0, cg1)" },
	{ "unknown op", HDR CG2 "[step 1]\nhold = 1s\nop = freeze cg0\n",
	  "t.ktstr:7: unknown op 'freeze' (expected add_cgroup, remove_cgroup, set_cpuset, clear_cpuset, swap_cpusets, spawn, stop, set_affinity, move_all)" },
	{ "op arity", HDR CG2 "[step 1]\nhold = 1s\nop = swap_cpusets cg0\n",
	  "t.ktstr:7: op swap_cpusets takes 2 arguments: swap_cpusets CGROUP CGROUP" },
	{ "op same cgroup twice", HDR CG2 "[step 1]\nhold = 1s\nop = move_all cg0 cg0\n",
	  "t.ktstr:7: move_all needs two different cgroups" },
	{ "pair work odd workers", HDR "[cgroup cg0]\nwork = pipe_io\nworkers = 3\n",
	  "t.ktstr:3: cgroup 'cg0': pipe_io pairs its workers, needs an even worker count (got 3)" },
	{ "pair work odd spawn", HDR CG2 "[step 1]\nhold = 1s\nop = spawn cg0 futex_pingpong 1\n",
	  "t.ktstr:7: spawn: futex_pingpong pairs its workers, needs an even worker count (got 1)" },
	{ "cpuset out of range", HDR "[cgroup cg0]\ncpuset = llc:1\n",
	  "t.ktstr:4: cpuset spec 'llc:1': topology 1n1l2c1t has 1 LLC (llc:0-0)" },
	{ "cpuset op out of range", HDR CG2 "[step 1]\nhold = 1s\nop = set_cpuset cg0 5\n",
	  "t.ktstr:7: cpuset spec '5': CPU 5 does not exist in topology 1n1l2c1t (CPUs 0-1)" },
	{ "cpuset empty", "[scenario]\ntopology = 1n1l4c1t\n[cgroup cg0]\ncpuset = range:0-0.2\n",
	  "t.ktstr:4: cpuset spec 'range:0-0.2' selects no CPU on topology 1n1l4c1t (3 usable CPUs)" },
	{ "llcs % nodes", "[scenario]\ntopology = 2n3l1c1t\n",
	  "t.ktstr:2: topology 2n3l1c1t: llcs (3) must be a multiple of numa nodes (2)" },
	{ "duration without unit", "[scenario]\nduration = 2\n",
	  "t.ktstr:2: duration '2' needs a unit (ms, s or m), e.g. 2s or 500ms" },
	{ "duration malformed", "[scenario]\nduration = 2 s\n",
	  "t.ktstr:2: bad duration '2 s' (expected e.g. 2s, 1.5s, 500ms or 1m)" },
	{ "duration too long", "[scenario]\nduration = 2h\n",
	  "t.ktstr:2: bad duration '2h' (expected e.g. 2s, 1.5s, 500ms or 1m)" },
	{ "duration over the limit", "[scenario]\nduration = 61m\n",
	  "t.ktstr:2: duration '61m' is too long (at most 3600s)" },
	{ "hold percentage", HDR CG2 "[step 1]\nhold = 150%\n",
	  "t.ktstr:6: bad hold '150%' (a percentage must be above 0% and at most 100%)" },
	{ "hold missing", HDR CG2 "[step 1]\nop = stop cg0\n",
	  "t.ktstr:5: [step 1] has no hold (e.g. hold = 50%, 1s, full or loop:100ms)" },
	{ "step out of order", HDR CG2 "[step 2]\n",
	  "t.ktstr:5: step number '2' out of order (expected [step 1] or [step])" },
	{ "spread malformed", HDR CG2 "[checks]\nfairness_spread = 35\n",
	  "t.ktstr:6: bad fairness_spread '35' (expected a percentage above 0% and at most 100%, e.g. 35%, or off)" },
	{ "spread out of range", HDR CG2 "[checks]\nfairness_spread = 101%\n",
	  "t.ktstr:6: bad fairness_spread '101%' (expected a percentage above 0% and at most 100%, e.g. 35%, or off)" },
	{ "on/off", HDR CG2 "[checks]\nisolation = maybe\n",
	  "t.ktstr:6: bad isolation 'maybe' (expected on or off)" },
	{ "nice range", HDR "[cgroup cg0]\nnice = 20\n", "t.ktstr:4: bad nice '20' (expected -20..19)" },
	{ "policy prio", HDR "[cgroup cg0]\npolicy = fifo:0\n",
	  "t.ktstr:4: policy fifo needs a priority 1-99, e.g. fifo:10" },
	{ "bursty param", HDR "[cgroup cg0]\nwork = bursty(burst=50ms,slep=1s)\n",
	  "t.ktstr:4: work type bursty has no parameter 'slep' (expected burst, sleep)" },
	{ "cgroup not running", HDR "[cgroup cg0]\n[cgroup cg1]\nstart = later\n[step 1]\nhold = 1s\nop = stop cg1\n[step 2]\nhold = 1s\nop = add_cgroup cg1\n",
	  "t.ktstr:8: cgroup 'cg1' does not exist at step 1 (it has start = later: add it with add_cgroup first)" },
	{ "cgroup removed", HDR CG2 "[step 1]\nhold = 1s\nop = remove_cgroup cg1\nop = stop cg1\n",
	  "t.ktstr:8: cgroup 'cg1' does not exist at step 1 (removed at line 7)" },
	{ "add a running cgroup", HDR CG2 "[step 1]\nhold = 1s\nop = add_cgroup cg1\n",
	  "t.ktstr:7: cgroup 'cg1' already exists at step 1 (add_cgroup needs start = later or a remove_cgroup first)" },
	{ "later never added", HDR "[cgroup cg0]\n[cgroup cg1]\nstart = later\n",
	  "t.ktstr:4: cgroup 'cg1' has start = later but no add_cgroup op adds it" },
	{ "spawn in a loop", HDR CG2 "[step 1]\nhold = loop:100ms\nop = spawn cg0 spin 1\n",
	  "t.ktstr:7: op spawn cannot repeat in a loop step" },
	{ "too many workers", HDR "[cgroup cg0]\nworkers = 1000\n[cgroup cg1]\nworkers = 25\n",
	  "t.ktstr:5: too many workers: 1025 over the run (at most 1024)" },
	{ "cgroup after step", HDR "[cgroup cg0]\n[step]\nhold = 1s\n[cgroup cg1]\n",
	  "t.ktstr:6: [cgroup cg1] after a [step]: declare every cgroup before the steps" },
	{ "no cgroup", HDR, "t.ktstr: no [cgroup NAME] section: a scenario needs at least one cgroup" },
	{ "no scenario section", "[cgroup cg0]\n", "t.ktstr: no [scenario] section" },
	{ "empty value", HDR "[cgroup cg0]\nwork =\n", "t.ktstr:4: key 'work' has an empty value" },
	{ "unterminated quote", "[scenario]\ndescription = \"abc\n", "t.ktstr:2: unterminated quoted value" },
	{ "bad section header", HDR "[cgroup cg0\n",
	  "t.ktstr:3: bad section header (expected [name] alone on its line)" },
	{ "control character", HDR "[cgroup cg0]\nwork = spin\x01\n",
	  "t.ktstr:4: control character 0x01 at column 12" },
	{ "invalid UTF-8", "[scenario]\ndescription = caf\xc3\n",
	  "t.ktstr:2: invalid UTF-8 (byte 0xc3 at column 18)" },
	{ "overlong UTF-8", "[scenario]\ndescription = \xc0\xaf\n",
	  "t.ktstr:2: invalid UTF-8 (byte 0xc0 at column 15)" },
	{ "affinity outside topology", HDR "[cgroup cg0]\naffinity = 7\n",
	  "t.ktstr:3: cgroup 'cg0': affinity names CPUs the topology does not have (CPUs 0-1)" },
};

static void check_case(const struct ecase *c)
{
	static struct ktstr_scenario sc;
	struct ktstr_diag d = { 0 };
	int rc = ktstr_scenario_parse_buf("t.ktstr", c->text, strlen(c->text), &sc, &d);

	tap_ok(rc == -1, "%s: rejected", c->what);
	tap_eq_str(d.msg, c->msg, "%s: message", c->what);
}

int main(void)
{
	static struct ktstr_scenario sc;
	struct ktstr_diag d = { 0 };
	char buf[4096];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);

	/* NUL byte: the buffer has an explicit length */
	memcpy(buf, HDR "[cgroup c\0g]\n", sizeof(HDR) + 13);
	tap_ok(ktstr_scenario_parse_buf("t.ktstr", buf, sizeof(HDR) + 12, &sc, &d) == -1, "NUL: rejected");
	tap_eq_str(d.msg, "t.ktstr:3: NUL byte at column 10 (not a text file?)", "NUL: message");
	tap_eq_u64(d.line, 3, "diag carries the line number");

	/* line too long */
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "[scenario]\ndescription = ");
	memset(buf + strlen(buf), 'x', 1100);
	tap_ok(ktstr_scenario_parse_buf("t.ktstr", buf, strlen(buf), &sc, &d) == -1, "long line: rejected");
	tap_eq_str(d.msg, "t.ktstr:2: line longer than 1024 bytes", "long line: message");

	/* missing file */
	tap_ok(ktstr_scenario_parse_file("/nonexistent/x.ktstr", &sc, &d) == -1, "missing file: rejected");
	tap_eq_str(d.msg, "/nonexistent/x.ktstr: No such file or directory", "missing file: message");
	tap_ok(ktstr_scenario_parse_file("/", &sc, &d) == -1, "directory: rejected");
	tap_eq_str(d.msg, "/: not a regular file", "directory: message");

	/* bad scenario name from the file name */
	tap_ok(ktstr_scenario_parse_buf("dir/a b.ktstr", "", 0, &sc, &d) == -1, "bad file name: rejected");
	tap_eq_str(d.msg, "dir/a b.ktstr: scenario name 'a b' may only use A-Z a-z 0-9 _ - (from the file name)",
		   "bad file name: message");
	return tap_done();
}
