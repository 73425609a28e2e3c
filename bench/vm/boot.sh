#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot overhead of ktstr against plain QEMU, measured in the same run:
#  1. boot: launch -> guest powered off, with a PID 1 that powers off at
#     once: ktstr-vmm (shm guest RAM, ring setup, QMP, drain loop) vs
#     qemu-system-x86_64 given the same kernel, initramfs, memory, vCPUs.
#  2. whole test: `ktstr run steady` wall time minus the scenario's hold,
#     vs the plain QEMU boot.
# Prints a table with medians over RUNS runs (default 5) and the ratios.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${KTSTR_BUILD:-$SRC/build}
RUNS=${RUNS:-5}
export KTSTR_LIBEXEC="$BUILD/bin"

entry=$("$SRC/tools/ktstr-kernel" resolve 2>/dev/null) || {
	echo "boot bench: SKIP no cached kernel (run tools/setup)"
	exit 0
}
vmlinux="$entry/vmlinux"
[[ -d "$entry" ]] || vmlinux=$entry
work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$BUILD/bin/ktstr-initramfs" -o "$work/initrd.cpio.gz" --init "$BUILD/bench/vm/poweroff-init" >/dev/null
tsc=$(awk -F: '/^cpu MHz/ { printf "%d\n", $2 * 1000; exit }' /proc/cpuinfo)
mem=512
smp=2

now_ns() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

plain_qemu() {
	qemu-system-x86_64 -M microvm -accel tcg -cpu max -smp "$smp" -m "$mem" \
		-nodefaults -no-user-config -nographic -no-reboot -display none \
		-serial "file:$work/plain.console" -kernel "$vmlinux" -initrd "$work/initrd.cpio.gz" \
		-append "console=ttyS0 tsc_early_khz=$tsc panic=-1 rdinit=/init loglevel=4" \
		</dev/null >/dev/null 2>&1
}

ktstr_vmm() {
	local d="$work/vmm.$1"
	mkdir -m 0700 "$d"
	"$BUILD/bin/ktstr-vmm" --run-dir "$d" --run-id "bench-$$-$1" --kernel "$vmlinux" \
		--initrd "$work/initrd.cpio.gz" --topology 1n1l2c1t --memory-mb "$mem" \
		--backend qemu --deadline-ms 60000 --mode run </dev/null >/dev/null 2>&1 || true
}

ktstr_run() {
	KTSTR_RUN_DIR="$work/run.$1" "$SRC/tools/ktstr" run --duration 2s steady >/dev/null 2>&1 || true
}

time_ms() {
	local t0 t1
	t0=$(now_ns)
	"$@"
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000))
}

declare -a P=() V=() R=()
plain_qemu
ktstr_vmm warm # warm-up: page cache, probe cache
for i in $(seq 1 "$RUNS"); do
	P+=("$(time_ms plain_qemu)")
	V+=("$(time_ms ktstr_vmm "$i")")
	R+=("$(time_ms ktstr_run "$i")")
done
p=$(printf '%s\n' "${P[@]}" | median)
v=$(printf '%s\n' "${V[@]}" | median)
r=$(printf '%s\n' "${R[@]}" | median)
hold=2000
over=$((r - hold - p))
printf '\nVM boot benchmark (QEMU TCG, microvm, %d vCPUs, %d MiB, %d runs, medians)\n' "$smp" "$mem" "$RUNS"
printf '%-44s %10s %10s %8s  %s\n' "measure" "ktstr ms" "qemu ms" "ratio" "target"
printf '%-44s %10d %10d %8s  %s\n' "launch -> poweroff (boot to PID 1)" "$v" "$p" \
	"$(awk -v a="$v" -v b="$p" 'BEGIN { printf "%.3f", a / b }')" "<= 1.05"
printf '%-44s %10d %10d %8s  %s\n' "ktstr run steady (2 s hold) vs plain boot" "$r" "$p" \
	"$(awk -v a="$r" -v b="$p" 'BEGIN { printf "%.2f", a / b }')" "-"
printf '%-44s %10d %10s %8s  %s\n' "  overhead = run - hold - plain boot" "$over" "" "" "< 4000 ms"
