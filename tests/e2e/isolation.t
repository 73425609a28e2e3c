#!/usr/bin/env bash
# Disjoint cpusets pass the isolation check, and the workers really ran
# only on their own cgroup's CPU (checked from result.json, not trusted
# from the verdict alone).
. "$(dirname "$0")/lib.sh"
need_kernel
plan 4
run_ktstr run "$SRC/tests/e2e/fixtures/isolation.ktstr"
ok $RC "isolation scenario passes under EEVDF"
[ $RC -eq 0 ] || show_failure_context
printf '%s\n' "$OUT" | grep -q '^ok 1 - isolation \[1n1l2c1t, eevdf\]'
ok $? "TAP line"
used=$(perl -0ne 'while (/"cgroup": "(cg\d)".*?"cpus_used": "([^"]*)"/sg) { print "$1=$2\n" }' "$RUNDIR/result.json" | sort -u | tr '\n' ' ')
[ "$used" = "cg0=0 cg1=1 " ]
ok $? "cg0 workers used only CPU 0, cg1 only CPU 1 (got: $used)"
n=$(grep -c '"work_type"' "$RUNDIR/result.json")
[ "$n" -eq 4 ]
ok $? "four worker reports (got $n)"
done_testing
