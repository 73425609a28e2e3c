#!/usr/bin/env bash
# `resolve` accepts only usable kernels, and says why it rejects a path.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if ! have_toolchain; then
	echo "1..0 # SKIP gcc/objcopy/readelf needed to craft ELF files"
	exit 0
fi

expect_fail "missing file rejected" "no such file" resolve "$WORK/missing"

: >"$WORK/empty"
expect_fail "empty file rejected" "empty file" resolve "$WORK/empty"

echo "just some text, long enough to not be a tiny file" >"$WORK/text"
expect_fail "text file rejected" "not an ELF file" resolve "$WORK/text"

mkdir -p "$WORK/adir"
expect_fail "directory without vmlinux rejected" "not a file" resolve "$WORK/adir"

vm="$WORK/k/vmlinux"
mkdir -p "$WORK/k"
make_fake_vmlinux "$vm"

# Same file with e_machine = 183 (aarch64).
cp "$vm" "$WORK/arm"
printf '\xb7\x00' | dd of="$WORK/arm" bs=1 seek=18 conv=notrunc status=none
expect_fail "non-x86_64 ELF rejected" "ELF but not an x86_64 executable" resolve "$WORK/arm"

# ELFCLASS32.
cp "$vm" "$WORK/elf32"
printf '\x01' | dd of="$WORK/elf32" bs=1 seek=4 conv=notrunc status=none
expect_fail "32-bit ELF rejected" "ELF but not an x86_64 executable" resolve "$WORK/elf32"

# A shared object is not an executable.
gcc -shared -fPIC -o "$WORK/lib.so" "$WORK/fake.c"
expect_fail "ELF shared object rejected" "ELF but not an x86_64 executable" resolve "$WORK/lib.so"

head -c 200 "$vm" >"$WORK/trunc"
expect_fail "truncated ELF rejected" "truncated" resolve "$WORK/trunc"
head -c 40 "$vm" >"$WORK/tiny"
expect_fail "ELF shorter than its header rejected" "truncated" resolve "$WORK/tiny"

objcopy --remove-section .BTF "$vm" "$WORK/nobtf"
expect_fail "vmlinux without .BTF rejected" "no \.BTF section" resolve "$WORK/nobtf"
strip -o "$WORK/nosym" "$vm"
expect_fail "vmlinux without .symtab rejected" "no \.symtab section" resolve "$WORK/nosym"

# bzImage: "HdrS" at 0x202.
mkdir -p "$WORK/bz"
head -c 4096 /dev/zero >"$WORK/bz/bzImage"
printf 'HdrS' | dd of="$WORK/bz/bzImage" bs=1 seek=$((0x202)) conv=notrunc status=none
expect_fail "bzImage with no vmlinux beside it rejected" "bzImage with no vmlinux beside it" resolve "$WORK/bz/bzImage"
cp "$WORK/text" "$WORK/bz/vmlinux"
expect_fail "bzImage beside a bad vmlinux rejected" "bzImage, and the vmlinux beside it is not usable" resolve "$WORK/bz/bzImage"
cp "$vm" "$WORK/bz/vmlinux"
run_kk resolve "$WORK/bz/bzImage"
check "bzImage with a vmlinux beside it accepted" test "$RC" -eq 0 -a "$OUT" = "$WORK/bz/bzImage"

run_kk resolve "$vm"
check "a vmlinux with .symtab and .BTF is accepted, path printed" test "$RC" -eq 0 -a "$OUT" = "$vm"
run_kk resolve "$WORK/k"
check "a directory holding a vmlinux is accepted" test "$RC" -eq 0 -a "$OUT" = "$WORK/k"

# Precedence: argument, then $KTSTR_KERNEL, then the newest cached entry.
make_fake_entry aaaaaaaaaaaa 100
run_kk resolve
check "no argument, no KTSTR_KERNEL: newest entry" test "$OUT" = "$KTSTR_CACHE_DIR/kernels/aaaaaaaaaaaa"
KTSTR_KERNEL="$vm" run_kk resolve
check "KTSTR_KERNEL beats the cache" test "$RC" -eq 0 -a "$OUT" = "$vm"
KTSTR_KERNEL="$WORK/text" run_kk resolve
check "a bad KTSTR_KERNEL is an error, not a fallback" test "$RC" -ne 0
KTSTR_KERNEL="$WORK/text" run_kk resolve aaaa
check "argument (key prefix) beats KTSTR_KERNEL" test "$RC" -eq 0 -a "$OUT" = "$KTSTR_CACHE_DIR/kernels/aaaaaaaaaaaa"
expect_fail "unknown key rejected" "no cached kernel with that key" resolve bbbbbbbbbbbb

done_testing
