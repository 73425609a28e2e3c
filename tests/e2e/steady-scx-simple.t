#!/usr/bin/env bash
# steady under scx_simple passes and the result names the scheduler.
. "$(dirname "$0")/lib.sh"
need_kernel
need_scheduler scx_simple
plan 4
run_ktstr run --scheduler scx_simple steady
ok $RC "ktstr run --scheduler scx_simple steady exits 0"
[ $RC -eq 0 ] || show_failure_context
printf '%s\n' "$OUT" | grep -q '^ok 1 - steady \[1n1l2c1t, scx_simple\]'
ok $? "TAP line names scx_simple"
[ "$(json_get "$RUNDIR/result.json" scheduler)" = scx_simple ]
ok $? "result.json names the scheduler"
[ "$(json_get "$RUNDIR/result.json" sched_ops)" = simple ]
ok $? "the kernel reported ops 'simple' attached during the run"
done_testing
