#!/usr/bin/env bash
# scx_qmap told to call scx_bpf_error() (-e N: after N enqueues) must fail
# with the kernel's own reason, even though its loader exits with status 0.
. "$(dirname "$0")/lib.sh"
need_kernel
need_scheduler scx_qmap
plan 3
run_ktstr run --scheduler scx_qmap --sched-args "-e 50" --duration 5s steady
[ $RC -eq 1 ]
ok $? "exit status 1 (the test failed)"
printf '%s\n' "$OUT" | grep -q 'scx_bpf_error: test triggering error'
ok $? "the failure carries the kernel's reason (scx_bpf_error: test triggering error)"
[ "$(json_get "$RUNDIR/result.json" passed)" = false ]
ok $? "result.json says failed"
[ $T_FAIL -eq 0 ] || show_failure_context
done_testing
