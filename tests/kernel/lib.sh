# shellcheck shell=bash
# Shared helpers for tests/kernel/*.t (sourced, not run).
# Minimal TAP producer; every test runs against a private KTSTR_CACHE_DIR.

TESTS_KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$TESTS_KERNEL_DIR/../.." && pwd)
KK="$REPO_ROOT/tools/ktstr-kernel"

TAP_N=0
TAP_FAILED=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-kernel-test.XXXXXX")
export KTSTR_CACHE_DIR="$WORK/cache"
unset KTSTR_KERNEL
trap 'rm -rf -- "$WORK"' EXIT

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# check DESCRIPTION CMD...: ok if CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# run_kk ARGS...: run tools/ktstr-kernel, capturing OUT, ERR and RC.
run_kk() {
	RC=0
	"$KK" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/err")
}

# expect_fail DESCRIPTION PATTERN ARGS...: ktstr-kernel ARGS must fail with
# PATTERN (an ERE) in its stderr.
expect_fail() {
	local desc=$1 pattern=$2
	shift 2
	run_kk "$@"
	if ((RC != 0)) && grep -Eq -- "$pattern" <<<"$ERR"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "rc=$RC" "stdout: $OUT" "stderr: $ERR" "expected stderr matching: $pattern"
	fi
}

# make_fake_entry KEY BUILT_AT: a cache entry that looks complete (the
# vmlinux is any x86_64 ELF; resolve of a key does not open it).
make_fake_entry() {
	local dir="$KTSTR_CACHE_DIR/kernels/$1"
	mkdir -p "$dir/schedulers"
	printf '\x7fELF' >"$dir/vmlinux"
	cp /bin/true "$dir/schedulers/scx_simple"
	printf 'key=%s\nversion=6.12.0-fake\nsched_ext=yes\nschedulers=scx_simple\nbuilt_at=%s\n' \
		"$1" "$2" >"$dir/metadata"
}

done_testing() {
	echo "1..$TAP_N"
	((TAP_FAILED == 0))
}

# make_fake_vmlinux OUT: an x86_64 ET_EXEC ELF with .symtab and a .BTF
# section, which is all resolve checks of a vmlinux.  Needs gcc and objcopy.
make_fake_vmlinux() {
	local out=$1
	printf 'int main(void) { return 0; }\n' >"$WORK/fake.c"
	gcc -no-pie -o "$out.tmp" "$WORK/fake.c"
	printf 'fake btf' >"$WORK/fake.btf"
	objcopy --add-section .BTF="$WORK/fake.btf" "$out.tmp" "$out"
	rm -f "$out.tmp"
}

have_toolchain() {
	command -v gcc >/dev/null && command -v objcopy >/dev/null && command -v readelf >/dev/null
}
