# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the end-to-end TAP scripts: locate the tree, skip
# honestly when the machine lacks a cached kernel, run ktstr into a
# private run-dir root, and assert on its TAP and result.json.
set -u
SRC=${KTSTR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${KTSTR_BUILD:-$SRC/build}
KTSTR="$SRC/tools/ktstr"
export KTSTR_LIBEXEC="$BUILD/bin"
T_N=0
T_FAIL=0

plan() { echo "TAP version 13"; echo "1..$1"; }
ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; T_FAIL=$((T_FAIL + 1)); fi
}
diag() { sed 's/^/# /'; }
done_testing() { exit $((T_FAIL > 0)); }

# Skip the whole script (prove counts it) unless a kernel is cached.
need_kernel() {
	KERNEL_ENTRY=$("$SRC/tools/ktstr-kernel" resolve 2>/dev/null) || {
		echo "1..0 # SKIP no cached sched_ext kernel (run tools/setup)"
		exit 0
	}
	command -v qemu-system-x86_64 >/dev/null || {
		echo "1..0 # SKIP qemu-system-x86_64 not installed (run tools/setup)"
		exit 0
	}
}

need_scheduler() {
	"$SRC/tools/ktstr-kernel" sched-path "$1" >/dev/null 2>&1 || {
		echo "1..0 # SKIP scheduler $1 not built with the cached kernel"
		exit 0
	}
}

# run_ktstr ARGS...: sets OUT (stdout), ERR (stderr), RC, RUNDIR
run_ktstr() {
	local root
	root=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-e2e.XXXXXX")
	OUT=$(KTSTR_RUN_DIR="$root" "$KTSTR" "$@" 2>"$root/.stderr")
	RC=$?
	ERR=$(cat "$root/.stderr")
	RUNDIR=$(find "$root" -mindepth 1 -maxdepth 1 -type d | head -1)
	E2E_ROOTS="${E2E_ROOTS:-} $root"
}

# json_get FILE KEY: the first "KEY": value in result.json (flat scan).
json_get() {
	perl -0ne 'if (/"\Q'"$2"'\E"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/) { my $v = $1; $v =~ s/^"|"$//g; print $v; }' "$1"
}

show_failure_context() {
	{
		echo "stdout:"; printf '%s\n' "$OUT"
		echo "stderr:"; printf '%s\n' "$ERR" | tail -20
		[ -n "${RUNDIR:-}" ] && for f in vmm.log guest.log console.log; do
			[ -f "$RUNDIR/$f" ] && { echo "$f (tail):"; tail -15 "$RUNDIR/$f"; }
		done
	} | diag
}

cleanup_roots() {
	# keep run dirs of failed scripts for inspection
	[ "$T_FAIL" -eq 0 ] && for r in ${E2E_ROOTS:-}; do rm -rf "$r"; done
	return 0
}
trap cleanup_roots EXIT
