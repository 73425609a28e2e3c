#!/usr/bin/env bash
# The build pipeline end to end on a fake kernel tree (a Makefile that copies
# prepared files), so it runs in seconds: entry layout and metadata, warm
# cache, --force, failures leave nothing behind, dropped options are named,
# concurrent builds of one key build once, an interrupted build is cleaned up.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

for t in gcc objcopy readelf make flex bison bc pahole flock setsid; do
	if ! command -v "$t" >/dev/null; then
		echo "1..0 # SKIP $t not installed (run tools/setup)"
		exit 0
	fi
done
if ! command -v clang-19 >/dev/null && ! command -v clang >/dev/null; then
	echo "1..0 # SKIP clang not installed (run tools/setup)"
	exit 0
fi

K="$KTSTR_CACHE_DIR/kernels"
src="$WORK/linux"
mkdir -p "$src/tools/sched_ext"
make_fake_vmlinux "$src/fake-vmlinux"
head -c 4096 /dev/zero >"$src/fake-bzImage"
printf 'HdrS' | dd of="$src/fake-bzImage" bs=1 seek=$((0x202)) conv=notrunc status=none
# A .config that satisfies the required list.
sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=\)\([^|]*\).*/\1\2/p' \
	"$REPO_ROOT/tools/kernel/required.list" >"$src/good.config"

cat >"$src/Makefile" <<'MK'
O ?= .
kernelversion:
	@echo 6.12.0-fake
allnoconfig:
	mkdir -p $(O)
	cp $(CURDIR)/good.config $(O)/.config
olddefconfig:
	if [ -n "$$FAKE_DROP" ]; then sed -i "/^$$FAKE_DROP=/d" $(O)/.config; fi
vmlinux:
	echo "some compiler chatter"
	if [ -n "$$FAKE_SLEEP" ]; then echo $$$$ >"$$FAKE_PIDFILE"; sleep $$FAKE_SLEEP; fi
	if [ -n "$$FAKE_FAIL" ]; then echo "fake: error: compile broke"; exit 1; fi
	cp $(CURDIR)/fake-vmlinux $(O)/vmlinux
bzImage: vmlinux
	mkdir -p $(O)/arch/x86/boot
	cp $(CURDIR)/fake-bzImage $(O)/arch/x86/boot/bzImage
MK
cat >"$src/tools/sched_ext/Makefile" <<'MK'
scx_simple scx_qmap scx_flatcg:
	mkdir -p $(O)/build/bin
	cp /bin/true $(O)/build/bin/$@
scx_central:
	@echo "pretend this one does not compile"; exit 1
MK

not_in() { ! grep -qF -- "$1" <<<"$2"; }
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

frag() { # frag NAME: a fragment with distinct content, so a distinct key
	printf 'CONFIG_SMP=y\n# %s\n' "$1" >"$WORK/$1.config"
	echo "$WORK/$1.config"
}

# 1. A cold build.
f=$(frag ok)
start=$(date +%s)
run_kk build --source "$src" --config-fragment "$f" --jobs 1
key=$("$KK" key --source "$src" --config-fragment "$f")
check "build succeeds" test "$RC" -eq 0
[[ $RC -eq 0 ]] || diag "$ERR"
check "build prints the entry dir" test "$OUT" = "$K/$key"
ERR1=$ERR
e=$OUT
for file in vmlinux bzImage config metadata build.log schedulers/scx_simple schedulers/scx_qmap schedulers/scx_flatcg; do
	check "entry has $file" test -f "$e/$file"
done
check "scheduler that failed is absent" test ! -e "$e/schedulers/scx_central"
check "failed scheduler is warned about" grep -q 'scheduler scx_central did not build' <<<"$ERR1"
run_kk resolve "$e/vmlinux"
check "entry vmlinux passes resolve" test "$RC" -eq 0
meta() { sed -n "s/^$1=//p" "$e/metadata"; }
check "metadata key" test "$(meta key)" = "$key"
check "metadata version" test "$(meta version)" = 6.12.0-fake
check "metadata sched_ext" test "$(meta sched_ext)" = yes
check "metadata schedulers" test "$(meta schedulers)" = "scx_simple scx_qmap scx_flatcg"
check "metadata fragment_sha" test "$(meta fragment_sha)" = "$(sha256sum "$f" | cut -d' ' -f1)"
check "metadata built_at" test "$(meta built_at)" -ge "$start"
check "metadata build_seconds" grep -Eqx '[0-9]+' <<<"$(meta build_seconds)"
check "metadata phase_seconds" grep -Eq '^configure:[0-9]+ verify:[0-9]+ compile:[0-9]+ schedulers:[0-9]+ install:[0-9]+$' <<<"$(meta phase_seconds)"
check "metadata source" test "$(meta source)" = "$src"
check "no temp dir left" test -z "$(find "$K" -maxdepth 1 -name '.tmp-*')"
check "non-TTY progress: one line per phase" grep -q '^\[kernel [0-9][0-9]:[0-9][0-9]\] phase: compile' <<<"$ERR1"
check "raw make output is not shown" not_in "some compiler chatter" "$ERR1"
check "raw make output is in the log" grep -q 'some compiler chatter' "$e/build.log"
check "source tree stays clean (O= build)" test ! -e "$src/.config"

# 2. Warm cache.
t0=$(date +%s%N)
run_kk build --source "$src" --config-fragment "$f"
t1=$(date +%s%N)
check "warm build prints the same entry" test "$RC" -eq 0 -a "$OUT" = "$e"
check "warm build is under a second" test $(((t1 - t0) / 1000000)) -lt 1000
check "warm build does not rebuild" test -z "$ERR"
diag "warm build took $(((t1 - t0) / 1000000)) ms"

# 3. --force rebuilds in place.
before=$(meta built_at)
sleep 1
run_kk build --source "$src" --config-fragment "$f" --force
check "--force rebuilds" test "$RC" -eq 0 -a "$(meta built_at)" -gt "$before"
check "--force leaves no old copy" test -z "$(find "$K" -maxdepth 1 -name '.old-*' -o -maxdepth 1 -name '.tmp-*')"

# 4. A compile failure.
f=$(frag fail)
FAKE_FAIL=1 run_kk build --source "$src" --config-fragment "$f"
key=$("$KK" key --source "$src" --config-fragment "$f")
check "compile failure fails" test "$RC" -ne 0
check "failure shows the log tail" grep -q 'fake: error: compile broke' <<<"$ERR"
check "failure names the log" grep -q "full log: $K/.failed-$key.log" <<<"$ERR"
check "failure log kept" test -f "$K/.failed-$key.log"
check "failure leaves no entry" test ! -e "$K/$key"
check "failure leaves no temp dir" test -z "$(find "$K" -maxdepth 1 -name '.tmp-*')"

# 5. olddefconfig dropped options.
f=$(frag drop)
FAKE_DROP=CONFIG_SCHED_CLASS_EXT run_kk build --source "$src" --config-fragment "$f"
key=$("$KK" key --source "$src" --config-fragment "$f")
check "dropped option fails the build" test "$RC" -ne 0
check "dropped option is named" grep -q 'CONFIG_SCHED_CLASS_EXT: wanted y, got unset' <<<"$ERR"
check "dropped option: no entry" test ! -e "$K/$key"

# 6. Two concurrent builds of one key: the second waits, then finds it cached.
f=$(frag conc)
export FAKE_SLEEP=3 FAKE_PIDFILE="$WORK/conc.pid"
"$KK" build --source "$src" --config-fragment "$f" >"$WORK/c1.out" 2>"$WORK/c1.err" &
p1=$!
sleep 1
"$KK" build --source "$src" --config-fragment "$f" >"$WORK/c2.out" 2>"$WORK/c2.err" &
p2=$!
r1=0 r2=0
wait "$p1" || r1=$?
wait "$p2" || r2=$?
unset FAKE_SLEEP FAKE_PIDFILE
check "both concurrent builds succeed" test "$r1" -eq 0 -a "$r2" -eq 0
check "both print the same entry" test -s "$WORK/c1.out" -a "$(cat "$WORK/c1.out")" = "$(cat "$WORK/c2.out")"
check "the second one waited on the lock" grep -q 'another build of kernel .* is running; waiting' "$WORK/c2.err"
check "only one of them built" test "$(cat "$WORK/c1.err" "$WORK/c2.err" | grep -c '^building kernel')" -eq 1

# 7. An interrupted build leaves nothing behind and stops its make.
f=$(frag intr)
key=$("$KK" key --source "$src" --config-fragment "$f")
FAKE_SLEEP=60 FAKE_PIDFILE="$WORK/intr.pid" \
	"$KK" build --source "$src" --config-fragment "$f" >"$WORK/i.out" 2>"$WORK/i.err" &
pi=$!
for _ in $(seq 100); do
	[[ -s $WORK/intr.pid ]] && break
	sleep 0.1
done
check "build reached compile" test -s "$WORK/intr.pid"
kill -TERM "$pi"
ri=0
wait "$pi" || ri=$?
check "interrupted build fails" test "$ri" -ne 0
check "interrupted build: no entry" test ! -e "$K/$key"
check "interrupted build: temp dir removed" test -z "$(find "$K" -maxdepth 1 -name ".tmp-$key-*")"
sleep 0.5
check "interrupted build: its make is gone" pid_gone "$(cat "$WORK/intr.pid")"

done_testing
