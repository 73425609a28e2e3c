#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ktstr-init for real: boot the cached kernel under QEMU TCG with our init,
# the steady scenario and a shared-memory ring that this script sets up
# itself (tests/guest/helpers/shmring plays the VMM's part), then check the
# frames init left in the ring: lifecycle, one completed report per worker
# with work in it, the summary, EXIT 0.  Once under EEVDF, once under
# scx_simple (attach reported, signal slot 1 set, its log sent).
# SKIPs when no kernel is cached or QEMU is missing.
set -u
SRC=${KTSTR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${KTSTR_BUILD:-$SRC/build}
INIT=$BUILD/bin/ktstr-init
SHMRING=$BUILD/tests/guest/shmring
N=0 FAIL=0

ok() { N=$((N + 1)); if [ "$1" -eq 0 ]; then echo "ok $N - $2"; else echo "not ok $N - $2"; FAIL=$((FAIL + 1)); fi; }

echo "TAP version 13"
entry=$("$SRC/tools/ktstr-kernel" resolve 2>/dev/null) || { echo "1..0 # SKIP no cached sched_ext kernel (tools/ktstr-kernel build)"; exit 0; }
command -v qemu-system-x86_64 >/dev/null || { echo "1..0 # SKIP qemu-system-x86_64 not installed"; exit 0; }
[ -x "$INIT" ] && [ -x "$SHMRING" ] && [ -x "$BUILD/bin/ktstr-initramfs" ] ||
	{ echo "1..0 # SKIP ktstr-init, ktstr-initramfs or shmring not built"; exit 0; }
if [ "${SANITIZE:-}" = 1 ]; then echo "1..0 # SKIP SANITIZE=1 builds ktstr-init dynamically; it cannot be /init"; exit 0; fi
vmlinux=$entry/vmlinux
simple=$("$SRC/tools/ktstr-kernel" sched-path scx_simple 2>/dev/null || true)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-guest-boot.XXXXXX")
RAM=/dev/shm/ktstr-guest-boot-$$
trap 'rm -rf "$WORK"; rm -f "$RAM"' EXIT
echo "1..17"
echo "# kernel $entry"

# boot NAME SCHEDULER_PATH|"" : leaves $WORK/NAME.frames, .guest, .console
boot() {
	local name=$1 sched=$2 khz isz base B
	local -a ird=(--init "$INIT" --file "$SRC/scenarios/steady.ktstr:/scenario" --file "$WORK/$name.args:/args")
	{
		printf 'name=steady\ntopology=1n1l2c1t\nduration_ms=1500\nsched_args=\n'
		[ -n "$sched" ] && printf 'scheduler=%s\n' "$(basename "$sched")"
	} >"$WORK/$name.args"
	[ -n "$sched" ] && ird+=(--scheduler "$sched")
	"$BUILD/bin/ktstr-initramfs" -o "$WORK/$name.cpio.gz" "${ird[@]}" || return 1
	# QEMU loads the initrd at the top of RAM: the ring region ends below it
	isz=$(stat -c %s "$WORK/$name.cpio.gz")
	base=$(( (512 << 20) - ( (isz + (2 << 20) - 1) / (2 << 20) * (2 << 20) + (2 << 20) + (16 << 20) ) ))
	B=$(printf '0x%x' "$base")
	rm -f "$RAM"
	"$SHMRING" init "$RAM" $((512 << 20)) "$B" 0x1000000 || return 1
	khz=$(awk -F: '/^cpu MHz/ { printf "%d\n", $2 * 1000; exit }' /proc/cpuinfo)
	timeout 180 qemu-system-x86_64 -nodefaults -no-user-config -nographic -no-reboot \
		-accel tcg -cpu max -m 512M -smp 2,sockets=1,cores=2,threads=1 \
		-object memory-backend-file,id=mem0,size=512M,mem-path="$RAM",share=on \
		-machine microvm,memory-backend=mem0 -kernel "$vmlinux" -initrd "$WORK/$name.cpio.gz" \
		-append "console=ttyS0 loglevel=4 panic=-1 reboot=t no_timer_check pci=off iomem=relaxed sysctl.kernel.sched_schedstats=1 tsc_early_khz=$khz memmap=0x1000000\$$B rdinit=/init KTSTR_SHM_BASE=$B KTSTR_SHM_SIZE=0x1000000 KTSTR_MODE=run KTSTR_TOPO=1,1,2,1" \
		-chardev file,id=com1,path="$WORK/$name.console" -chardev file,id=com2,path="$WORK/$name.guest" \
		-device isa-serial,chardev=com1,index=0 -device isa-serial,chardev=com2,index=1 \
		>"$WORK/$name.qemu" 2>&1 || return 1
	"$SHMRING" dump "$RAM" "$B" 0x1000000 >"$WORK/$name.frames"
}

has() { grep -qE "$2" "$WORK/$1.frames"; }
count() { grep -cE "$2" "$WORK/$1.frames"; }
context() {
	{ echo "frames:"; cat "$WORK/$1.frames"; echo "COM2:"; tail -20 "$WORK/$1.guest";
	  echo "console:"; tail -20 "$WORK/$1.console"; } 2>/dev/null | sed 's/^/# /'
}

check_run() {
	local name=$1 fate=$2
	boot "$name" "${3:-}"
	ok $? "$name: VM booted ktstr-init and powered off"
	has "$name" '^LIFE .*phase=1 ' && has "$name" '^SRDY ' && has "$name" '^LIFE .*phase=2 "steady"'
	ok $? "$name: INIT_STARTED, SYS_RDY, PAYLOAD_STARTING"
	[ "$(count "$name" '^WRPT .*crc=ok .*type=spin flags=1 units=[1-9]')" = 4 ]
	ok $? "$name: 4 completed worker reports, each with work"
	has "$name" "^TEST .*nworkers=4 ncgroups=2 steps=1/1 fate=$fate "
	ok $? "$name: summary (4 workers, 1/1 steps, fate $fate)"
	has "$name" '^EXIT .*code=0$' && ! grep -q 'crc=BAD' "$WORK/$name.frames" && has "$name" 'DROPS 0$'
	ok $? "$name: EXIT 0, no bad or dropped frames"
	if grep -q '^CONFIG_SERIAL_8250_PNP=y' "$entry/config"; then
		grep -q '^KTSTR_INIT_STARTED' "$WORK/$name.guest" && grep -q '^KTSTR_EXIT=0' "$WORK/$name.guest"
		ok $? "$name: COM2 sentinels"
	else
		ok 0 "$name: COM2 sentinels # SKIP kernel lacks SERIAL_8250_PNP (no COM2 tty writes on microvm)"
	fi
	[ $FAIL -eq 0 ] || context "$name"
}

check_run eevdf 0
has eevdf '^SIG1 0 '
ok $? "eevdf: no scheduler-loaded signal"
if [ -n "$simple" ]; then
	check_run simple 1 "$simple"
	has simple '^LIFE .*phase=5 "simple"'
	ok $? "simple: SCHED_ATTACHED names ops 'simple'"
	has simple '^SIG1 1 ' && has simple '^TEST .* ops=simple '
	ok $? "simple: signal slot 1 set, summary names the ops"
	has simple '^SCLG .*SCHED_OUTPUT_START' && has simple '^SCLG .*SCHED_OUTPUT_END'
	ok $? "simple: scheduler log sent between markers"
	has simple '^SCLG .*EXIT: unregistered from user space'
	ok $? "simple: it was stopped with SIGINT at the end (its own exit line)"
else
	for i in $(seq 1 10); do ok 0 "scx_simple # SKIP not built with the cached kernel"; done
fi
exit $((FAIL > 0))
