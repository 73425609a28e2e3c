#!/usr/bin/env bash
# A scheduler that exits on start fails as "scheduler died", with its log.
. "$(dirname "$0")/lib.sh"
need_kernel
plan 4
fixture="$BUILD/tests/e2e/fixtures/sched-exit-on-start"
[ -x "$fixture" ] || { echo "Bail out! fixture $fixture not built"; exit 1; }
run_ktstr run --scheduler "$fixture" steady
[ $RC -eq 1 ]
ok $? "exit status 1 (a test failed)"
printf '%s\n' "$OUT" | grep -q '^not ok 1 - steady'
ok $? "TAP says not ok"
printf '%s\n' "$OUT" | grep -Eqi 'scheduler (process )?died'
ok $? "the failure says the scheduler died"
printf '%s\n' "$OUT" | grep -q 'fixture: refusing to attach'
ok $? "the scheduler's own log is in the diagnostics"
[ $T_FAIL -eq 0 ] || show_failure_context
done_testing
