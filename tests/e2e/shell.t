#!/usr/bin/env bash
# ktstr shell --exec: the command runs in the guest, its output reaches the
# caller's terminal and its exit status becomes ktstr's.
. "$(dirname "$0")/lib.sh"
need_kernel
command -v busybox >/dev/null || { echo "1..0 # SKIP busybox not installed (run tools/setup)"; exit 0; }
plan 4
run_ktstr shell --exec 'echo guest-says-$((6*7)); cat /sys/kernel/sched_ext/state; exit 7'
[ $RC -eq 7 ]
ok $? "exit status of the guest command (7, got $RC)"
printf '%s\n' "$OUT" | grep -q '^guest-says-42'
ok $? "the command's output reaches stdout (evaluated in the guest)"
printf '%s\n' "$OUT" | grep -q '^disabled'
ok $? "sched_ext exists in the guest kernel and no scheduler is attached"
grep -q 'status=powered_off' "$RUNDIR/vmm.status"
ok $? "the VM powered off cleanly after the command"
[ $T_FAIL -eq 0 ] || show_failure_context
done_testing
