#!/usr/bin/env bash
# An unknown scheduler name, or a scheduler path that is not executable,
# is refused before any VM boots, and the name error lists what exists.
. "$(dirname "$0")/lib.sh"
need_kernel
plan 7
run_ktstr run --scheduler scx_nosuch steady
[ $RC -eq 2 ]
ok $? "unknown scheduler name: exit 2 (got $RC)"
printf '%s\n' "$ERR" | grep -q "no scheduler 'scx_nosuch'.*available: .*scx_simple"
ok $? "the error lists the available schedulers"
[ -z "$RUNDIR" ]
ok $? "no run directory was created (no VM booted)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-badsched.XXXXXX")
printf 'not a program\n' >"$tmp/plain" && chmod 644 "$tmp/plain"
printf '#!/bin/sh\nexit 0\n' >"$tmp/script" && chmod 755 "$tmp/script"
run_ktstr run --scheduler "$tmp/plain" steady
[ $RC -eq 2 ] && printf '%s\n' "$ERR" | grep -q "is not an executable file"
ok $? "a non-executable scheduler path is refused (rc=$RC)"
[ -z "$RUNDIR" ]
ok $? "... before any VM boots"
run_ktstr run --scheduler "$tmp/script" steady
[ $RC -eq 2 ] && printf '%s\n' "$ERR" | grep -q "is not an ELF executable"
ok $? "an executable that is not ELF is refused (rc=$RC)"
[ -z "$RUNDIR" ]
ok $? "... before any VM boots"
rm -rf "$tmp"
[ $T_FAIL -eq 0 ] || show_failure_context
done_testing
