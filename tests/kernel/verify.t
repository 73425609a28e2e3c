#!/usr/bin/env bash
# The config verifier names every required option olddefconfig dropped.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

REQ="$REPO_ROOT/tools/kernel/required.list"

# A .config satisfying every line of the required list.
good="$WORK/good.config"
sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=\)\([^|]*\).*/\1\2/p' \
	-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/# \1 is not set/p' "$REQ" >"$good"
echo "CONFIG_UNRELATED=y" >>"$good"

check "required list is not empty" test "$(grep -c '^CONFIG_' "$good")" -gt 20
run_kk verify "$good"
check "a config with every required option passes" test "$RC" -eq 0

# Drop three options and flip one that must stay unset.
bad="$WORK/bad.config"
grep -v -e '^CONFIG_SCHED_CLASS_EXT=' -e '^CONFIG_DEBUG_INFO_BTF=' "$good" |
	sed -e 's/^CONFIG_KALLSYMS_ALL=y/# CONFIG_KALLSYMS_ALL is not set/' \
		-e 's/^# CONFIG_MODULES is not set/CONFIG_MODULES=y/' >"$bad"
run_kk verify "$bad"
check "a config missing options fails" test "$RC" -ne 0
for opt in CONFIG_SCHED_CLASS_EXT CONFIG_DEBUG_INFO_BTF CONFIG_KALLSYMS_ALL CONFIG_MODULES; do
	if grep -q "^$opt:" <<<"$ERR"; then ok "failure names $opt"; else not_ok "failure names $opt"; diag "$ERR"; fi
done
check "failure names only the dropped options" test "$(grep -c '^CONFIG_' <<<"$ERR")" -eq 4
check "unset-required option reports its value" grep -q 'CONFIG_MODULES: wanted unset, got y' <<<"$ERR"

# The shell function directly, with a custom list (value lists, numbers).
# shellcheck source-path=SCRIPTDIR source=../../tools/ktstr-kernel
. "$KK"
printf 'CONFIG_A=y|m\nCONFIG_B=4\n# CONFIG_C is not set\n' >"$WORK/req"
printf 'CONFIG_A=m\nCONFIG_B=4\nCONFIG_C=n\n' >"$WORK/c1"
check "value alternatives and numbers accepted" verify_config "$WORK/c1" "$WORK/req"
printf 'CONFIG_A=n\nCONFIG_B=2\n' >"$WORK/c2"
out=$(verify_config "$WORK/c2" "$WORK/req") && rc=0 || rc=$?
check "wrong values rejected" test "$rc" -ne 0
check "wrong number named" grep -q '^CONFIG_B: wanted 4, got 2' <<<"$out"
check "wrong bool named" grep -q '^CONFIG_A: wanted y|m, got n' <<<"$out"

done_testing
