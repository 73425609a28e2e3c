#!/usr/bin/env bash
# ktstr-vmm command line: bad arguments exit 2 with a clear message; a VM
# that cannot start exits 4 with status=qemu_failed and leaves nothing in
# /dev/shm or the run directory's qmp.sock.
set -u
BUILD=${KTSTR_BUILD:-$PWD/build}
VMM=$BUILD/bin/ktstr-vmm
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
echo "TAP version 13"
[ -x "$VMM" ] || { echo "1..0 # SKIP ktstr-vmm not built"; exit 0; }
T=$(mktemp -d /tmp/ktstr-vmm-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf 'not a kernel\n' >"$T/text"
head -c 1024 /dev/zero >"$T/bz"; printf 'HdrS' | dd of="$T/bz" bs=1 seek=514 conv=notrunc 2>/dev/null
printf 'x' >"$T/initrd"

# usage_case DESCRIPTION EXPECTED-SUBSTRING ARGS...
usage_case() {
	local what=$1 want=$2 rc out; shift 2
	out=$("$VMM" "$@" 2>&1); rc=$?
	ok $([ $rc -eq 2 ] && echo 0 || echo 1) "$what: exit 2 (got $rc)"
	case "$out" in *"$want"*) ok 0 "$what: says '$want'" ;; *) ok 1 "$what: says '$want' (got: $out)" ;; esac
}
usage_case "no arguments" "are required"
usage_case "unknown option" "unknown option '--bogus'" --bogus
usage_case "bad topology" "expected NnLlCcTt" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --topology 2x
usage_case "LLCs not a multiple of nodes" "multiple of numa nodes" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --topology 2n3l1c1t
usage_case "memory out of range" "out of range" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --memory-mb 64
usage_case "memory not a number" "not a number" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --memory-mb 1g
usage_case "bad backend" "not auto, qemu or kvm" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --backend xen
usage_case "kvm backend not built" "not built yet" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --backend kvm
usage_case "missing kernel" "No such file" --run-dir "$T/r" --kernel "$T/nope" --initrd "$T/initrd"
usage_case "text kernel" "neither an ELF" --run-dir "$T/r" --kernel "$T/text" --initrd "$T/initrd"
: >"$T/empty"
usage_case "empty initrd" "empty file" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/empty"
usage_case "bad mode" "not run or shell" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --mode debug
usage_case "bad run id" "--run-id" --run-dir "$T/r" --kernel "$T/bz" --initrd "$T/initrd" --run-id "a/b"
"$VMM" --help | grep -q -- '--deadline-ms'; ok $? "--help prints the options, exit 0"

# A QEMU that exits at once: qemu_failed, exit 4, everything cleaned up.
id="clitest-$$"
"$VMM" --run-dir "$T/run" --run-id "$id" --kernel "$T/bz" --initrd "$T/initrd" --qemu /bin/false \
	>"$T/out" 2>&1; rc=$?
ok $([ $rc -eq 4 ] && echo 0 || echo 1) "failed start: exit 4 (got $rc)"
grep -q '^status=qemu_failed exit_code=4 ' "$T/run/vmm.status"; ok $? "failed start: vmm.status says qemu_failed"
ls /dev/shm/ktstr-"$id"-* >/dev/null 2>&1; ok $([ $? -ne 0 ] && echo 0 || echo 1) "failed start: no /dev/shm/ktstr-$id-* left"
[ ! -e "$T/run/qmp.sock" ]; ok $? "failed start: qmp.sock removed"
grep -q 'VM did not start' "$T/out"; ok $? "failed start: the log says why"
echo "1..$n"
exit $fail
