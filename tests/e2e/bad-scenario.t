#!/usr/bin/env bash
# A malformed scenario fails with file:line before any VM boots.
. "$(dirname "$0")/lib.sh"
plan 4
bad=$(mktemp "${TMPDIR:-/tmp}/bad-XXXXXX.ktstr")
printf '[scenario]\ndescription = broken on purpose\nduration = 2s\n[cgroup cg0]\nwork = spinn\n' >"$bad"
run_ktstr run "$bad"
[ $RC -eq 2 ]
ok $? "exit status 2"
printf '%s\n' "$ERR" | grep -q "$(basename "$bad"):5:"
ok $? "error names file:line ($(basename "$bad"):5)"
printf '%s\n' "$ERR" | grep -q "spinn"
ok $? "error names the bad value"
[ -z "$RUNDIR" ]
ok $? "no run directory was created (no VM booted)"
[ $T_FAIL -eq 0 ] || show_failure_context
rm -f "$bad"
done_testing
