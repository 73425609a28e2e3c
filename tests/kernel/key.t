#!/usr/bin/env bash
# Cache keys: stable, and different when the fragment or the source changes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

src="$WORK/src"
mkdir -p "$src"
printf 'kernelversion:\n\t@echo 6.12.99\n' >"$src/Makefile"
frag="$WORK/frag.config"
printf 'CONFIG_SMP=y\n' >"$frag"

run_kk key --source "$src" --config-fragment "$frag"
k1=$OUT
check "key is 12 hex digits" grep -Eqx '[0-9a-f]{12}' <<<"$k1"
run_kk key --source "$src" --config-fragment "$frag"
check "key is stable" test "$OUT" = "$k1"

printf 'CONFIG_SMP=y\nCONFIG_NUMA=y\n' >"$frag"
run_kk key --source "$src" --config-fragment "$frag"
k2=$OUT
check "key changes when the fragment changes" test "$k2" != "$k1"

printf 'kernelversion:\n\t@echo 6.12.100\n' >"$src/Makefile"
run_kk key --source "$src" --config-fragment "$frag"
check "key changes when the source version changes" test "$OUT" != "$k2"

tarball="$WORK/linux.tar"
tar -cf "$tarball" -C "$WORK" src
run_kk key --source "$tarball" --config-fragment "$frag"
k3=$OUT
check "tarball source gives a key" grep -Eqx '[0-9a-f]{12}' <<<"$k3"
run_kk key --source "$tarball" --config-fragment "$frag"
check "tarball key is stable (memoised hash)" test "$OUT" = "$k3"
echo extra >"$WORK/extra" && tar -rf "$tarball" -C "$WORK" extra
run_kk key --source "$tarball" --config-fragment "$frag"
check "key changes when the tarball content changes" test "$OUT" != "$k3"

expect_fail "missing fragment is an error" "no such file" key --source "$src" --config-fragment "$WORK/nope"
expect_fail "missing source is an error" "no such file" key --source "$WORK/nope" --config-fragment "$frag"
check "key never touches the real cache" test -d "$KTSTR_CACHE_DIR"

done_testing
