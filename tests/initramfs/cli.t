#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# ktstr-initramfs end to end: archive contents (our --list and, when
# installed, GNU cpio as an independent reader), determinism, the cache,
# exit codes, and that failures leave nothing at OUT.
set -u
B=${KTSTR_BUILD:-$PWD/build}
BIN=$B/bin/ktstr-initramfs
FIX=$B/tests/initramfs/fixtures
n=0 fails=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails+1)); fi; }
skip() { n=$((n+1)); echo "ok $n - $2 # SKIP $1"; }
echo "TAP version 13"
if [ ! -x "$BIN" ] || [ ! -x "$FIX/tinit" ]; then echo "1..0 # SKIP $BIN or fixtures not built"; exit 0; fi
T=$(mktemp -d /tmp/ktstr-ir-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf 'payload-\001\377-end' > "$T/payload"

# --- usage ---
"$BIN" --help > "$T/help"; ok $? "--help exits 0"
grep -q -- '--cache-dir' "$T/help" && grep -q -- '--list' "$T/help"; ok $? "--help documents --cache-dir and --list"
"$BIN" 2>/dev/null; [ $? = 2 ]; ok $? "no arguments: exit 2"
"$BIN" -o "$T/x" 2>"$T/e"; [ $? = 2 ] && grep -q 'missing --init' "$T/e"; ok $? "missing --init: exit 2"
"$BIN" -o "$T/x" --init "$FIX/tinit" --file nocolon 2>"$T/e"; [ $? = 2 ] && grep -q 'SRC:/DEST' "$T/e"; ok $? "bad --file spec: exit 2"
"$BIN" -o "$T/x" --init "$FIX/tinit" --text noslash=1 2>/dev/null; [ $? = 2 ]; ok $? "bad --text spec: exit 2"
"$BIN" -o "$T/x" --init "$FIX/tinit" --level 12 2>/dev/null; [ $? = 2 ]; ok $? "--level 12: exit 2"
"$BIN" -o "$T/x" --init "$FIX/tinit" --bogus 2>/dev/null; [ $? = 2 ]; ok $? "unknown option: exit 2"
[ ! -e "$T/x" ]; ok $? "usage errors write nothing"

# --- a full archive ---
ARGS=(--init "$FIX/tinit" --scheduler "$FIX/dynz" --busybox /bin/busybox
      --file "$T/payload:/etc/payload:600" --text "/args=sched_args=-v")
"$BIN" -o "$T/a.cpio.gz" "${ARGS[@]}" 2>"$T/e"; ok $? "build succeeds"
"$BIN" --list "$T/a.cpio.gz" > "$T/list"; ok $? "--list succeeds"
want=("-0755 .* init$" "-0755 .* scheduler$" "-0755 .* bin/busybox$" "l0777 .* bin/sh -> busybox$"
      "l0777 .* lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2$"
      "-0755 .* lib/x86_64-linux-gnu/ld-linux-x86-64.so.2$" "lib/x86_64-linux-gnu/libz.so.1"
      "lib/x86_64-linux-gnu/libc.so.6$" "-0600 .* 14 etc/payload$" "-0644 .* 13 args$"
      "d1777 .* tmp$" "d0755 .* sys/fs/cgroup$" "c0600 .*5, *1 dev/console$")
miss=0; for w in "${want[@]}"; do grep -q -- "^$w" "$T/list" || grep -q -- "$w" "$T/list" || { echo "# missing: $w"; miss=1; }; done
ok $miss "archive has /init, /scheduler, busybox, the interpreter, libz, libc, user files, dirs"
[ "$(tail -n1 "$T/list")" = "-0644          0 .ktstr_init_ok" ]; ok $? "last entry is the empty /.ktstr_init_ok"
[ "$(grep -c ' lib/x86_64-linux-gnu/libc.so.6$' "$T/list")" = 1 ]; ok $? "libc once although two executables need it"

if command -v cpio >/dev/null && command -v gzip >/dev/null; then
	# two archives back to back (base, run member); -C 1 stops cpio exactly at each trailer
	mkdir "$T/x1" && (cd "$T/x1" && gzip -dc "$T/a.cpio.gz" |
		(cpio -idm -C 1 --quiet && cpio -idm -C 1 --quiet) 2>"$T/cpioerr")
	ok $? "GNU cpio extracts the archive (both members)"
	cmp -s "$T/x1/etc/payload" "$T/payload" && cmp -s "$T/x1/scheduler" "$FIX/dynz" &&
	  cmp -s "$T/x1/lib/x86_64-linux-gnu/libc.so.6" /lib/x86_64-linux-gnu/libc.so.6
	ok $? "extracted files are byte-identical to their sources"
	[ "$(stat -c %a "$T/x1/etc/payload")" = 600 ] && [ "$(stat -c %a "$T/x1/init")" = 755 ]
	ok $? "extracted modes: payload 600, init 755"
	[ "$(readlink "$T/x1/bin/sh")" = busybox ]; ok $? "bin/sh symlink extracted"
	gzip -dc "$T/a.cpio.gz" | (cpio -t -C 1 --quiet >/dev/null; cpio -t -C 1 --quiet) 2>/dev/null |
		tail -n1 | grep -qx '.ktstr_init_ok'
	ok $? "cpio -t also lists .ktstr_init_ok last"
else
	for i in 1 2 3 4 5; do skip "GNU cpio/gzip not installed" "independent extraction"; done
fi

"$BIN" -o "$T/b.cpio.gz" "${ARGS[@]}"; cmp -s "$T/a.cpio.gz" "$T/b.cpio.gz"; ok $? "two builds are byte-identical"

# --- cache ---
"$BIN" -v -o "$T/c1.cpio.gz" --cache-dir "$T/cache/sub" "${ARGS[@]}" 2>"$T/e"
grep -q 'cache miss' "$T/e"; ok $? "first cached build: miss"
"$BIN" -v -o "$T/c2.cpio.gz" --cache-dir "$T/cache/sub" "${ARGS[@]}" 2>"$T/e"
grep -q 'cache hit' "$T/e"; ok $? "same inputs: hit"
cmp -s "$T/c1.cpio.gz" "$T/a.cpio.gz" && cmp -s "$T/c2.cpio.gz" "$T/a.cpio.gz"; ok $? "cached outputs equal the uncached build"
[ "$(ls "$T/cache/sub" | grep -c '^[0-9a-f]\{16\}\.cpio\.gz$')" = 1 ] && [ -z "$(ls -A "$T/cache/sub" | grep -v cpio.gz)" ]
ok $? "one <16 hex>.cpio.gz in the cache, no temporary files"
printf 'changed' > "$T/payload2"
"$BIN" -v -o "$T/c3.cpio.gz" --cache-dir "$T/cache/sub" --init "$FIX/tinit" --file "$T/payload2:/etc/payload" 2>"$T/e"
grep -q 'cache miss' "$T/e"; ok $? "different inputs: miss"
"$BIN" -v -o "$T/c4.cpio.gz" --cache-dir "$T/cache/sub" --init "$FIX/tinit" --file "$T/payload2:/etc/payload:600" 2>"$T/e"
grep -q 'cache miss' "$T/e"; ok $? "same contents, other mode: miss"

# --- per-run entries: a second gzip member, outside the cache key ---
RB=(--init "$FIX/tinit" --busybox /bin/busybox)
"$BIN" -v -o "$T/r1.cpio.gz" --cache-dir "$T/rcache" "${RB[@]}" --run-file "$T/payload:/tmp/run/payload" --run-text /args=one 2>"$T/e"
grep -q 'cache miss' "$T/e"; ok $? "run entries: first build misses"
"$BIN" -v -o "$T/r2.cpio.gz" --cache-dir "$T/rcache" "${RB[@]}" --run-file "$T/payload2:/tmp/run/payload" --run-text /args=two 2>"$T/e"
grep -q 'cache hit' "$T/e"; ok $? "other run entries, same base: hit"
[ "$(ls "$T/rcache" | wc -l)" = 1 ]; ok $? "one cache file for both runs"
"$BIN" -o "$T/r2b.cpio.gz" "${RB[@]}" --run-file "$T/payload2:/tmp/run/payload" --run-text /args=two
cmp -s "$T/r2.cpio.gz" "$T/r2b.cpio.gz"; ok $? "cached and uncached builds with run entries are identical"
"$BIN" --list "$T/r2.cpio.gz" > "$T/list2"
tail -n4 "$T/list2" | awk '{print $NF}' | tr '\n' ' ' | grep -qx 'tmp/run tmp/run/payload args .ktstr_init_ok '
ok $? "run member: its new parent, the run entries, then the sentinel, last"
[ "$(grep -c ' tmp$' "$T/list2")" = 1 ]; ok $? "/tmp is not re-emitted by the run member (its mode survives)"
if command -v gzip >/dev/null; then
	gzip -dc "$T/r2.cpio.gz" | cmp -s - <(gzip -dc "$T/rcache"/*.cpio.gz; gzip -dc "$T/r2.cpio.gz" | tail -c +$(( $(gzip -dc "$T/rcache"/*.cpio.gz | wc -c) + 1 )))
	ok $? "the output starts with the cached base member"
	[ "$(gzip -dc "$T/r2.cpio.gz" | grep -c -a 'TRAILER!!!')" = 2 ]; ok $? "two trailers: base and run member"
else
	skip "gzip not installed" "base member prefix"; skip "gzip not installed" "two trailers"
fi
"$BIN" -o "$T/keep2" "${RB[@]}" --run-text /init=x 2>"$T/e"; [ $? = 1 ] && grep -q '/init: already in the archive' "$T/e"
ok $? "a run entry that repeats a base path: exit 1"
"$BIN" -o "$T/x" --init "$FIX/tinit" --run-file bad 2>"$T/e"; [ $? = 2 ] && grep -q -- '--run-file bad' "$T/e"
ok $? "bad --run-file spec: exit 2 naming the option"

# --- errors: exit 1, nothing at OUT, an existing OUT untouched ---
echo old > "$T/keep"
fail_case() { # name, expected message, args...
	local name=$1 msg=$2; shift 2
	"$BIN" -o "$T/keep" "$@" 2>"$T/e"; local rc=$?
	[ $rc = 1 ] && grep -q -- "$msg" "$T/e" && [ "$(cat "$T/keep")" = old ]
	ok $? "$name: exit 1, '$msg', OUT untouched"
	[ $rc = 1 ] || { echo "# rc=$rc"; sed 's/^/# /' "$T/e"; }
}
fail_case "missing init" "/nonexistent/init: No such file" --init /nonexistent/init
fail_case "non-ELF scheduler" "scheduler: /etc/hostname: not an ELF file" --init "$FIX/tinit" --scheduler /etc/hostname
fail_case "library not found" "needs libktfix.so.1, not found in" --init "$FIX/tinit" --scheduler "$FIX/needs_norpath"
fail_case "duplicate path" "/init: already in the archive" --init "$FIX/tinit" --file "$T/payload:/init"
fail_case "missing --file source" "$T/nope" --init "$FIX/tinit" --file "$T/nope:/x"
"$BIN" -o "$T/new.cpio.gz" --init /nonexistent 2>/dev/null; [ ! -e "$T/new.cpio.gz" ]; ok $? "failed build creates no OUT"
[ -z "$(ls -A "$T" | grep '\.tmp\.')" ]; ok $? "no temporary files left behind"

# --- --list on bad archives ---
head -c 3000 "$T/a.cpio.gz" > "$T/trunc.gz"
"$BIN" --list "$T/trunc.gz" >/dev/null 2>"$T/e"; [ $? = 1 ] && grep -q 'truncated' "$T/e"; ok $? "--list of a truncated gzip: exit 1, says truncated"
head -c 1000000 /dev/urandom > "$T/garbage" 2>/dev/null || dd if=/dev/urandom of="$T/garbage" bs=1000 count=1000 2>/dev/null
"$BIN" --list "$T/garbage" >/dev/null 2>"$T/e"; [ $? = 1 ] && grep -q 'garbage' "$T/e"; ok $? "--list of garbage: exit 1 naming the file"

echo "1..$n"
[ $fails = 0 ]
