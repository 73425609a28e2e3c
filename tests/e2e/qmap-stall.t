#!/usr/bin/env bash
# scx_qmap told to stall tasks (-t N: stall every N'th user thread) must
# fail, and the failure must say the scheduler was stopped for a stall.
. "$(dirname "$0")/lib.sh"
need_kernel
need_scheduler scx_qmap
plan 4
# qmap's watchdog timeout is 5 s and the kernel checks every timeout/2,
# so the stall fires ~7.5 s in: the scenario must outlast that.
run_ktstr run --scheduler scx_qmap --sched-args "-t 2" --duration 12s steady
[ $RC -eq 1 ]
ok $? "exit status 1 (the test failed)"
printf '%s\n' "$OUT" | grep -q '^not ok 1 - steady \[1n1l2c1t, scx_qmap\]'
ok $? "TAP says not ok for scx_qmap"
printf '%s\n' "$OUT" | grep -qi 'stall'
ok $? "the failure names the stall"
[ "$(json_get "$RUNDIR/result.json" passed)" = false ]
ok $? "result.json says failed"
[ $T_FAIL -eq 0 ] || show_failure_context
done_testing
