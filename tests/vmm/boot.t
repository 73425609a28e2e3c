#!/usr/bin/env bash
# Real VMs through ktstr-vmm (QEMU TCG, the cached kernel, tests/vmm/guest/
# testinit as PID 1): a guest that sends LIFE + EXIT and powers off, one
# that hangs (deadline), one that panics, one that powers off silently.
# Skips when no kernel is cached or QEMU is missing.
set -u
BUILD=${KTSTR_BUILD:-$PWD/build}
SRC=${KTSTR_SRC:-$PWD}
VMM=$BUILD/bin/ktstr-vmm INIT=$BUILD/tests/vmm/testinit IRD=$BUILD/bin/ktstr-initramfs
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
echo "TAP version 13"
[ -x "$VMM" ] && [ -x "$INIT" ] && [ -x "$IRD" ] || skip_all "ktstr-vmm, testinit or ktstr-initramfs not built"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
K=${KTSTR_TEST_KERNEL:-$("$SRC/tools/ktstr-kernel" path 2>/dev/null)}
[ -n "$K" ] && [ -r "$K" ] || skip_all "no cached kernel (tools/ktstr-kernel build)"
T=$(mktemp -d /tmp/ktstr-vmm-boot.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$IRD" -o "$T/init.cpio.gz" --init "$INIT" 2>"$T/ird.err" || skip_all "initramfs build failed: $(cat "$T/ird.err")"

# boot NAME MODE ARGS... -> $rc, run dir $T/NAME, run id vmmboot-NAME-$$
boot() {
	local name=$1 mode=$2; shift 2
	id="vmmboot-$name-$$" dir="$T/$name"
	"$VMM" --run-dir "$dir" --run-id "$id" --kernel "$K" --initrd "$T/init.cpio.gz" \
		--memory-mb 256 --append "KTSTR_TESTINIT=$mode" "$@" 2>"$T/$name.log"
	rc=$?
	status=$(cat "$dir/vmm.status" 2>/dev/null)
}
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
clean() {
	ls /dev/shm/ktstr-"$id"-* >/dev/null 2>&1 && return 1
	[ ! -e "$dir/qmp.sock" ]
}

boot frame frame --deadline-ms 120000
ok $([ $rc -eq 0 ] && echo 0 || echo 1) "frame: exit 0 (got $rc; $status)"
has "$status" "status=powered_off exit_code=0 guest_exit=0 "; ok $? "frame: vmm.status powered_off, guest EXIT 0"
has "$status" " frames=2 invalid_frames=0 "; ok $? "frame: 2 frames, none invalid"
# LIFE (5-byte payload) then EXIT (4 bytes): 16+5 + 16+4 bytes, LIFE's fourcc first (LE "EFIL")
sz=$(stat -c %s "$dir/guest.frames" 2>/dev/null || echo 0)
ok $([ "$sz" -eq 41 ] && echo 0 || echo 1) "frame: guest.frames holds both frames verbatim ($sz bytes)"
[ "$(head -c 4 "$dir/guest.frames")" = "EFIL" ]; ok $? "frame: first frame is LIFE"
[ -s "$dir/console.log" ]; ok $? "frame: console.log non-empty"
clean; ok $? "frame: no shm files or QMP socket left"
grep -q '^backend: qemu (' "$T/frame.log"; ok $? "frame: backend choice printed"

boot hang hang --deadline-ms 5000
ok $([ $rc -eq 3 ] && echo 0 || echo 1) "hang: killed at the deadline, exit 3 (got $rc)"
has "$status" "status=timeout exit_code=3 "; ok $? "hang: vmm.status timeout ($status)"
clean; ok $? "hang: no shm files or QMP socket left"

boot panic panic --deadline-ms 120000
ok $([ $rc -eq 5 ] && echo 0 || echo 1) "panic: exit 5 (got $rc)"
has "$status" "status=panic exit_code=5 "; ok $? "panic: vmm.status panic ($status)"

boot noexit noexit --deadline-ms 120000
ok $([ $rc -eq 5 ] && echo 0 || echo 1) "noexit: exit 5 (got $rc)"
has "$status" "status=no_exit exit_code=5 "; ok $? "noexit: vmm.status no_exit ($status)"
clean; ok $? "noexit: no shm files or QMP socket left"
echo "1..$n"
exit $fail
