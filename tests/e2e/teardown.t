#!/usr/bin/env bash
# The supervisor's promises under failure, black-box:
#  - a side component killed mid-run is restarted and the test still passes;
#  - SIGINT tears everything down: exit 130, no processes, no /dev/shm objects;
#  - a killed VMM ends the test with a classified failure, nothing left behind.
. "$(dirname "$0")/lib.sh"
need_kernel
plan 10

# Job control: without it a background job starts with SIGINT ignored,
# and a shell cannot trap a signal that was ignored when it started.
set -m

# start_bg ARGS...: ktstr in the background; sets BG_PID, BG_ROOT
start_bg() {
	BG_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-e2e.XXXXXX")
	E2E_ROOTS="${E2E_ROOTS:-} $BG_ROOT"
	KTSTR_RUN_DIR="$BG_ROOT" "$KTSTR" "$@" >"$BG_ROOT/.stdout" 2>"$BG_ROOT/.stderr" &
	BG_PID=$!
}

# wait_for_file NAME: until some run dir below BG_ROOT has it (<= 30 s)
wait_for_file() {
	local i f
	for i in $(seq 1 300); do
		f=$(find "$BG_ROOT" -mindepth 2 -maxdepth 2 -name "$1" 2>/dev/null | head -1)
		[ -n "$f" ] && [ -s "$f" ] && { echo "$f"; return 0; }
		sleep 0.1
	done
	return 1
}

leftovers() {
	local id=$1
	{ ls /dev/shm/ 2>/dev/null | grep -F -- "$id"; pgrep -af -- "$id"; } | grep -v "pgrep" || true
}

# 1. crash the monitor mid-run
start_bg run --duration 6s steady
mpid_file=$(wait_for_file monitor.pid)
rundir=$(dirname "${mpid_file:-/nonexistent/x}")
sleep 1.5
kill -KILL "$(cat "$mpid_file" 2>/dev/null)" 2>/dev/null
ok $? "killed the running monitor (pid file found)"
wait "$BG_PID"
rc=$?
ok $rc "the test still passes after the monitor crash"
grep -q 'monitor exited with status 137 (restart 1/3)' "$rundir/events" 2>/dev/null
ok $? "the supervisor recorded the crash and restarted the monitor"
[ "$(grep -c 'ktstr-monitor.*start\|attached\|sampling' "$rundir/monitor.log" 2>/dev/null)" -ge 1 ] &&
	[ -f "$rundir/monitor.json" ]
ok $? "the restarted monitor finished the run and wrote monitor.json"

# 2. SIGINT in the middle of a run
start_bg run --duration 20s steady
status=$(wait_for_file vmm.pid)
rundir=$(dirname "${status:-/nonexistent/x}")
id=$(basename "$rundir")
sleep 2
kill -INT "$BG_PID"
wait "$BG_PID"
rc=$?
[ $rc -eq 130 ]
ok $? "SIGINT: exit status 130 (got $rc)"
sleep 0.5
left=$(leftovers "$id")
[ -z "$left" ]
ok $? "SIGINT: no process and no /dev/shm object of run $id left"
[ -n "$left" ] && printf '%s\n' "$left" | diag

# 3. the VMM dies
start_bg run --duration 20s steady
vpid_file=$(wait_for_file vmm.pid)
rundir=$(dirname "${vpid_file:-/nonexistent/x}")
id=$(basename "$rundir")
sleep 2
kill -KILL "$(cat "$vpid_file")" 2>/dev/null
wait "$BG_PID"
rc=$?
[ $rc -eq 1 ]
ok $? "dead VMM: the test fails (exit 1, got $rc)"
grep -q '^not ok 1 - steady' "$BG_ROOT/.stdout"
ok $? "dead VMM: TAP says not ok"
grep -q 'ktstr-vmm died (signal 9)' "$BG_ROOT/.stdout"
ok $? "dead VMM: the failure says the VMM died, of which signal"
sleep 0.5
left=$(leftovers "$id")
[ -z "$left" ]
ok $? "dead VMM: no QEMU, component or /dev/shm object of run $id left"
[ -n "$left" ] && printf '%s\n' "$left" | diag
[ $T_FAIL -eq 0 ] || { cat "$BG_ROOT/.stdout" "$BG_ROOT/.stderr" | diag; }
done_testing
