#!/bin/sh
# cli.t — ktstr-scenario: list, check (exit codes, file:line errors),
# show (normalized, round-trips through check), path, --help.
B=${KTSTR_BUILD:-build}/bin/ktstr-scenario
S=${KTSTR_SRC:-.}
n=0; fail=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
[ -x "$B" ] || { echo "1..0 # SKIP $B not built"; exit 0; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

out=$("$B" list --dir "$S/scenarios"); ok $? "list exits 0"
echo "$out" | grep -q '^steady  *Two cgroups with equal CPU-bound load and no cpusets$'; ok $? "list shows name and description"
[ "$(echo "$out" | wc -l)" -ge 8 ]; ok $? "list shows the whole catalog"
KTSTR_SCENARIO_DIR="$S/scenarios" "$B" list >/dev/null; ok $? "list honours KTSTR_SCENARIO_DIR"
"$B" list >/dev/null; ok $? "list finds the catalog next to the binary"

"$B" check "$S"/scenarios/*.ktstr; ok $? "check passes the catalog"
printf '[scenario]\n[cgroup cg0]\nwork = spinn\n' > "$T/bad.ktstr"
err=$("$B" check "$S/scenarios/steady.ktstr" "$T/bad.ktstr" 2>&1); rc=$?
[ $rc = 2 ]; ok $? "check exits 2 on an invalid file"
[ "$err" = "$T/bad.ktstr:3: unknown work type 'spinn' (expected one of spin, yield, mixed, io_sync, bursty, pipe_io, futex_pingpong, fork_exit)" ]
ok $? "check prints file:line: message"
"$B" check -t 1n1l2c1t "$S/scenarios/steady_llc.ktstr" 2>/dev/null; [ $? = 2 ]; ok $? "check applies --topology"

"$B" show --dir "$S/scenarios" cpuset_apply -t 1n2l2c1t > "$T/x.ktstr"; ok $? "show by catalog name"
grep -q '^op = set_cpuset cg1 disjoint:1/2 # cpus 1-2$' "$T/x.ktstr"; ok $? "show includes resolved cpusets"
"$B" check "$T/x.ktstr"; ok $? "show output is a valid scenario"
"$B" show "$T/x.ktstr" | sed 1d > "$T/y"; sed 1d "$T/x.ktstr" | cmp -s - "$T/y"; ok $? "show is a fixed point"

p=$("$B" path --dir "$S/scenarios" steady); [ "$p" = "$S/scenarios/steady.ktstr" ]; ok $? "path maps a name to its file"
"$B" path --dir "$S/scenarios" nosuch 2>/dev/null; [ $? = 1 ]; ok $? "path of an unknown name fails"
"$B" --help | grep -q '^usage: ktstr-scenario list'; ok $? "--help"
"$B" frobnicate 2>/dev/null; [ $? = 1 ]; ok $? "unknown command exits 1"
"$B" check -w 0 "$S/scenarios/steady.ktstr" 2>/dev/null; [ $? = 1 ]; ok $? "bad --workers exits 1"
echo "1..$n"
exit $fail
