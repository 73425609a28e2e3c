#!/usr/bin/env bash
# The supervisor's command line: help, errors before any VM, the catalog.
. "$(dirname "$0")/../e2e/lib.sh"
plan 9
"$KTSTR" --help >/dev/null 2>&1
ok $? "--help exits 0"
"$KTSTR" --help | grep -q 'ktstr run'
ok $? "--help documents run"
"$KTSTR" frobnicate >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ]; ok $? "unknown command exits 2 (got $rc)"
err=$("$KTSTR" run --topology 3n2l1c1t steady 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && printf '%s' "$err" | grep -q "bad --topology '3n2l1c1t'"
ok $? "LLCs not a multiple of nodes is rejected with the value (rc=$rc)"
err=$("$KTSTR" run --duration 2x steady 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && printf '%s' "$err" | grep -q "bad --duration"
ok $? "bad --duration is rejected (rc=$rc)"
err=$("$KTSTR" run no_such_scenario 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && printf '%s' "$err" | grep -q "unknown scenario 'no_such_scenario'"
ok $? "unknown scenario is rejected (rc=$rc)"
printf '%s' "$err" | grep -q '^steady'
ok $? "... and the error lists the catalog"
n=$("$KTSTR" list | grep -c .)
[ "$n" -ge 8 ]; ok $? "ktstr list shows at least 8 scenarios (got $n)"
"$KTSTR" run --bogus steady >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ]; ok $? "unknown option exits 2"
done_testing
