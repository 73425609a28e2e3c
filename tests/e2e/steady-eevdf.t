#!/usr/bin/env bash
# steady under EEVDF (no --scheduler) passes in a real VM.
. "$(dirname "$0")/lib.sh"
need_kernel
plan 5
run_ktstr run steady
ok $RC "ktstr run steady exits 0"
[ $RC -eq 0 ] || show_failure_context
printf '%s\n' "$OUT" | grep -q '^ok 1 - steady \[1n1l2c1t, eevdf\]'
ok $? "TAP line names the scenario, topology and EEVDF"
[ -f "$RUNDIR/result.json" ]
ok $? "result.json written"
[ "$(json_get "$RUNDIR/result.json" passed)" = true ]
ok $? "result.json says passed"
[ -z "$(ls /dev/shm/ 2>/dev/null | grep "$(basename "$RUNDIR")")" ]
ok $? "no shared memory objects left behind"
done_testing
