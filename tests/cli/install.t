#!/usr/bin/env bash
# make install PREFIX= DESTDIR= gives a working ktstr: the bin/ symlink,
# binaries, scenarios, kernel fragment and man pages, and the installed
# supervisor finds all of them (and boots a VM if a kernel is cached).
. "$(dirname "$0")/../e2e/lib.sh"
plan 8
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-install.XXXXXX")
E2E_ROOTS="${E2E_ROOTS:-} $tmp"
P=/usr/local
env -u MAKEFLAGS -u MAKELEVEL make -s -C "$SRC" install SANITIZE="${SANITIZE:-}" \
	PREFIX=$P DESTDIR="$tmp" >"$tmp/make.log" 2>&1
ok $? "make install into DESTDIR"
I="$tmp$P"
[ -L "$I/bin/ktstr" ] && [ -x "$I/libexec/ktstr/ktstr-vmm" ] && [ -x "$I/libexec/ktstr/ktstr-init" ]
ok $? "bin/ktstr symlink and the binaries in libexec/ktstr"
[ -f "$I/libexec/ktstr/kernel/ktstr.config" ] && [ -f "$I/libexec/ktstr/kernel/required.list" ]
ok $? "kernel config fragment beside ktstr-kernel"
[ -f "$I/share/man/man1/ktstr.1" ] && [ -f "$I/share/man/man1/ktstr-vmm.1" ]
ok $? "man pages"
n=$(env -u KTSTR_LIBEXEC "$I/bin/ktstr" list | grep -c .)
[ "$n" -ge 8 ]
ok $? "installed 'ktstr list' finds the installed catalog ($n scenarios)"
k1=$(env -u KTSTR_LIBEXEC "$I/bin/ktstr" kernel key)
k2=$("$SRC/tools/ktstr-kernel" key)
[ -n "$k1" ] && [ "$k1" = "$k2" ]
ok $? "installed 'ktstr kernel key' uses the same fragment as the tree ($k1)"
if "$SRC/tools/ktstr-kernel" resolve >/dev/null 2>&1 && command -v qemu-system-x86_64 >/dev/null; then
	out=$(KTSTR_RUN_DIR="$tmp/runs" env -u KTSTR_LIBEXEC "$I/bin/ktstr" run --duration 1s steady 2>"$tmp/err")
	ok $? "installed 'ktstr run' passes a real VM test"
	printf '%s\n' "$out" | grep -q '^ok 1 - steady'
	ok $? "... with its TAP line"
else
	echo "ok 7 # SKIP no cached kernel"
	echo "ok 8 # SKIP no cached kernel"
fi
[ $T_FAIL -eq 0 ] || { cat "$tmp/make.log" "$tmp/err" 2>/dev/null | tail -20 | diag; }
done_testing
