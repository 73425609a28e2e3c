#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the cached ktstr kernel under QEMU TCG with an initramfs from
# ktstr-initramfs: a static /init (fixture tinit) reports what the kernel
# unpacked (the sentinel and a payload from the per-run gzip member,
# /tmp's mode after that member wrote below it) and runs a
# dynamically linked /scheduler (fixture dynz: libz + libc + ld-linux),
# which proves the interpreter and library closure land where ld.so looks.
set -u
B=${KTSTR_BUILD:-$PWD/build}
S=${KTSTR_SRC:-$PWD}
BIN=$B/bin/ktstr-initramfs
FIX=$B/tests/initramfs/fixtures
echo "TAP version 13"
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ -x "$BIN" ] && [ -x "$FIX/tinit" ] || skip_all "ktstr-initramfs or fixtures not built"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
K=${KTSTR_KERNEL:-}
if [ -z "$K" ] && [ -x "$S/tools/ktstr-kernel" ]; then K=$("$S/tools/ktstr-kernel" path 2>/dev/null); fi
[ -n "$K" ] && [ -f "$K" ] || skip_all "no cached kernel (tools/ktstr-kernel path found none)"
khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)

n=0 fails=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails+1)); fi; }
T=$(mktemp -d /tmp/ktstr-ir-boot.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf 'hello-from-host' > "$T/payload"
# payload and a file under /tmp go into the second (per-run) gzip member
"$BIN" -o "$T/initrd.cpio.gz" --init "$FIX/tinit" --scheduler "$FIX/dynz" \
	--run-file "$T/payload:/etc/payload:0400" --run-text /tmp/run/x=1 2>"$T/e"
ok $? "archive built"
echo "# kernel $K, tsc_early_khz=$khz"
timeout 120 qemu-system-x86_64 -M microvm -accel tcg -cpu max -smp 1 -m 512M \
	-nographic -no-reboot -kernel "$K" -initrd "$T/initrd.cpio.gz" \
	-append "console=ttyS0 tsc_early_khz=$khz panic=-1 loglevel=4" \
	</dev/null >"$T/console" 2>&1
rc=$?
tr -d '\r' < "$T/console" > "$T/c"
[ $rc = 0 ]; ok $? "QEMU exited by itself (guest powered off), rc=$rc"
grep -q 'KTSTR-TINIT: pid=1$' "$T/c"; ok $? "/init ran as PID 1"
grep -q 'KTSTR-TINIT: sentinel=present$' "$T/c"; ok $? "/.ktstr_init_ok was unpacked"
grep -q 'KTSTR-TINIT: payload=hello-from-host$' "$T/c"; ok $? "payload from the second gzip member unpacked byte-exact"
grep -q 'KTSTR-TINIT: tmp-mode=1777$' "$T/c"; ok $? "/tmp keeps mode 1777 after the second member added /tmp/run"
grep -q 'KTSTR-DYNZ: zlib ' "$T/c" && grep -q 'KTSTR-TINIT: scheduler-exit=7$' "$T/c"
ok $? "dynamic /scheduler ran through the packed ld-linux, libz and libc"
! grep -qi 'initramfs unpacking failed\|junk in compressed archive\|broken padding' "$T/c"
ok $? "kernel reported no unpacking error"
if [ $fails != 0 ]; then sed 's/^/# /' "$T/c" | tail -40; fi

# A real sched_ext scheduler from the kernel cache: its closure (libelf,
# libz, libc, ld-linux) must be complete for it to start and attach.
SCX=
if [ -x "$S/tools/ktstr-kernel" ]; then SCX=$("$S/tools/ktstr-kernel" sched-path scx_simple 2>/dev/null); fi
if [ -n "$SCX" ] && [ -x "$SCX" ]; then
	"$BIN" -o "$T/scx.cpio.gz" --init "$FIX/tinit" --scheduler "$SCX" --text /tinit.mode=scx 2>"$T/e"
	ok $? "archive with scx_simple built"
	timeout 120 qemu-system-x86_64 -M microvm -accel tcg -cpu max -smp 2 -m 512M \
		-nographic -no-reboot -kernel "$K" -initrd "$T/scx.cpio.gz" \
		-append "console=ttyS0 tsc_early_khz=$khz panic=-1 loglevel=4" \
		</dev/null 2>&1 | tr -d '\r' > "$T/c2"
	grep -q 'KTSTR-TINIT: scx-state=enabled ops=simple$' "$T/c2"; ok $? "scx_simple from the archive attached (sched_ext enabled, ops=simple)"
	grep -q 'KTSTR-TINIT: scx-exit=0 state-after=disabled$' "$T/c2"; ok $? "scx_simple stopped cleanly on SIGINT"
	if [ $fails != 0 ]; then sed 's/^/# /' "$T/c2" | tail -30; fi
else
	n=$((n+1)); echo "ok $n - scx_simple boot # SKIP no cached scx_simple"
fi
echo "1..$n"
[ $fails = 0 ]
