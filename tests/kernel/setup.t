#!/usr/bin/env bash
# tools/setup: option handling, and the idempotent path (all packages
# present: no apt-get) with --no-kernel so the real cache is not touched.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SETUP="$REPO_ROOT/tools/setup"
not_grep() { ! grep -q -- "$1" "$2"; }

RC=0
"$SETUP" --help >"$WORK/out" 2>&1 || RC=$?
check "--help succeeds" test "$RC" -eq 0
check "--help describes --no-kernel" grep -q -- '--no-kernel' "$WORK/out"

RC=0
"$SETUP" --bogus >"$WORK/out" 2>&1 || RC=$?
check "unknown option rejected" test "$RC" -ne 0
check "unknown option named" grep -q 'unknown argument: --bogus' "$WORK/out"

if ! command -v dpkg-query >/dev/null; then
	echo "# no dpkg-query: not a Debian machine"
	done_testing
	exit
fi
# Never let the test install anything: only run setup when nothing is missing.
pkgs=$(sed -n '/^readonly PACKAGES=(/,/^)/p' "$SETUP" | sed '1d;$d' | grep -v '^\s*#' | tr -s ' \t\n' ' ')
missing=
for p in $pkgs; do
	[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == "install ok installed" ]] || missing+=" $p"
done
if [[ -n $missing ]]; then
	echo "# packages missing ($missing): skipping the idempotent-run check"
else
	RC=0
	start=$(date +%s%N)
	"$SETUP" --no-kernel >"$WORK/out" 2>&1 || RC=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	check "setup with every package present succeeds" test "$RC" -eq 0
	check "it says all packages are present" grep -q 'all [0-9]* packages present' "$WORK/out"
	check "it does not run apt-get" not_grep apt-get "$WORK/out"
	check "it is quick (${ms} ms)" test "$ms" -lt 5000
fi

done_testing
