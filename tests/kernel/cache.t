#!/usr/bin/env bash
# list / path / sched-path / clean on a crafted cache; incomplete builds are
# never entries.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

K="$KTSTR_CACHE_DIR/kernels"

expect_fail "path on a missing cache dir fails" "no cached kernel; run 'ktstr kernel build'" path
mkdir -p "$K"
expect_fail "path on an empty cache dir fails" "no cached kernel; run 'ktstr kernel build'" path
expect_fail "resolve on an empty cache dir fails" "no cached kernel; run 'ktstr kernel build'" resolve
run_kk list
check "list on an empty cache prints only the header" test "$RC" -eq 0 -a "$(wc -l <<<"$OUT")" -eq 1

# Interrupted builds: a temp dir (even with a vmlinux) and a final-looking
# dir without metadata.
mkdir -p "$K/.tmp-cccccccccccc-99999999" "$K/dddddddddddd"
cp /bin/true "$K/.tmp-cccccccccccc-99999999/vmlinux"
cp /bin/true "$K/dddddddddddd/vmlinux"
expect_fail "interrupted build is not resolved" "no cached kernel" resolve
expect_fail "interrupted build is not a path" "no cached kernel" path
run_kk list
check "interrupted build is not listed" test "$(wc -l <<<"$OUT")" -eq 1
expect_fail "entry without metadata is not found by key" "no cached kernel with" path dddddddddddd

make_fake_entry aaaaaaaaaaaa "$(($(date +%s) - 7200))"
run_kk list
check "list shows the one fake entry" grep -Eq '^aaaaaaaaaaaa +6\.12\.0-fake +yes +[0-9.]+[KMG]? +2h$' <<<"$OUT"
check "list has a header" grep -Eq '^KEY +VERSION +SCHED_EXT +SIZE +AGE' <<<"$OUT"
run_kk path
check "path prints the newest vmlinux" test "$OUT" = "$K/aaaaaaaaaaaa/vmlinux"

make_fake_entry bbbbbbbbbbbb "$(date +%s)"
run_kk list
check "list is newest first" test "$(sed -n '2s/ .*//p' <<<"$OUT")" = bbbbbbbbbbbb
run_kk path
check "path without a key picks the newest" test "$OUT" = "$K/bbbbbbbbbbbb/vmlinux"
run_kk path aaaaaaaaaaaa
check "path KEY picks that entry" test "$OUT" = "$K/aaaaaaaaaaaa/vmlinux"
expect_fail "path with an unknown key fails" "no cached kernel with key" path eeeeeeeeeeee

run_kk sched-path scx_simple
check "sched-path finds a scheduler" test "$RC" -eq 0 -a "$OUT" = "$K/bbbbbbbbbbbb/schedulers/scx_simple"
run_kk sched-path scx_simple "$K/aaaaaaaaaaaa"
check "sched-path takes an entry dir" test "$RC" -eq 0 -a "$OUT" = "$K/aaaaaaaaaaaa/schedulers/scx_simple"
expect_fail "sched-path lists what exists on error" "no scheduler 'scx_nope'.*available: scx_simple" sched-path scx_nope

run_kk clean --keep 1
check "clean --keep 1 keeps the newest" test -d "$K/bbbbbbbbbbbb" -a ! -e "$K/aaaaaaaaaaaa"
check "clean removes dead builders' temp dirs" test ! -e "$K/.tmp-cccccccccccc-99999999"
mkdir -p "$K/.tmp-ffffffffffff-$$"
run_kk clean
check "clean removes everything by default" test ! -e "$K/bbbbbbbbbbbb"
check "clean leaves a live builder's temp dir alone" test -d "$K/.tmp-ffffffffffff-$$"
expect_fail "clean rejects a bad --keep" "needs a number" clean --keep x

done_testing
