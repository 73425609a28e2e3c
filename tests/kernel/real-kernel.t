#!/usr/bin/env bash
# The real cached kernel (the one `tools/setup` builds for the current source
# and fragment) is what ktstr needs: sched_ext on, every required option set,
# a vmlinux with .symtab and .BTF, a bzImage, ELF scheduler binaries.
# Read-only on the real cache; skips when that kernel is not built.
set -euo pipefail

real_cache=${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"    # from here on KTSTR_CACHE_DIR is a temp dir

if ! compgen -G "$real_cache/kernels/*/metadata" >/dev/null; then
	echo "1..0 # SKIP no cached kernel (run tools/setup)"
	exit 0
fi
# The key for the current source and fragment (computed against the temp
# cache so nothing is written to the real one).
if [[ ! -e /usr/src/linux-source-6.12.tar.xz ]] ||
	! key=$("$KK" key 2>/dev/null); then
	echo "1..0 # SKIP default kernel source not installed (run tools/setup)"
	exit 0
fi
e="$real_cache/kernels/$key"
if [[ ! -f $e/metadata ]]; then
	echo "1..0 # SKIP no cached kernel for the current fragment (key $key; run tools/setup)"
	exit 0
fi
diag "entry $e"

meta() { sed -n "s/^$1=//p" "$e/metadata"; }
check "metadata key matches the directory" test "$(meta key)" = "$key"
check "metadata says sched_ext=yes" test "$(meta sched_ext)" = yes
check "config has CONFIG_SCHED_CLASS_EXT=y" grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$e/config"
run_kk verify "$e/config"
check "config has every required option" test "$RC" -eq 0
[[ $RC -eq 0 ]] || diag "$ERR"

KTSTR_CACHE_DIR=$real_cache run_kk resolve "$e/vmlinux"
check "resolve accepts the vmlinux" test "$RC" -eq 0
[[ $RC -eq 0 ]] || diag "$ERR"
sections=$(readelf -SW "$e/vmlinux")
check "vmlinux has .symtab" grep -q ' \.symtab ' <<<"$sections"
check "vmlinux has .BTF" grep -q ' \.BTF ' <<<"$sections"
check "vmlinux has .BTF_ids" grep -q ' \.BTF_ids ' <<<"$sections"
# XEN_ELFNOTE_PHYS32_ENTRY (type 18) is what QEMU's PVH loader looks for.
check "vmlinux has the PVH entry note" \
	grep -Eq '^[[:space:]]*Xen[[:space:]]+0x[0-9a-f]+[[:space:]]+Unknown note type: \(0x00000012\)' <<<"$(readelf -nW "$e/vmlinux")"
check "symtab has sched_ext symbols" grep -q ' scx_bpf_error_bstr$' <<<"$(readelf -sW "$e/vmlinux")"
if command -v bpftool >/dev/null; then
	check "BTF describes struct sched_ext_ops" \
		grep -q "STRUCT 'sched_ext_ops'" <<<"$(bpftool btf dump file "$e/vmlinux" 2>/dev/null)"
fi
check "bzImage has the boot header magic" \
	test "$(dd if="$e/bzImage" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS

read -r -a scheds <<<"$(meta schedulers)"
check "scx_simple and scx_qmap were built" \
	test -x "$e/schedulers/scx_simple" -a -x "$e/schedulers/scx_qmap"
for s in "${scheds[@]}"; do
	f="$e/schedulers/$s"
	check "$s is an executable x86_64 ELF" \
		grep -Eq 'ELF 64-bit LSB .*x86-64' <<<"$(file -L "$f" 2>/dev/null || readelf -h "$f" | tr -s ' ')"
	if command -v ldd >/dev/null; then
		extra=$(ldd "$f" | awk '{print $1}' |
			grep -Ev '^(linux-vdso\.so\.1|libelf\.so\.1|libz\.so\.1|libc\.so\.6|/lib64/ld-linux-x86-64\.so\.2)$' || true)
		check "$s needs only libelf, libz, libc, ld-linux" test -z "$extra"
		[[ -z $extra ]] || diag "extra: $extra"
	fi
done

done_testing
