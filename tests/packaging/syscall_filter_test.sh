#!/usr/bin/env bash
# The units' system-call filter and /proc subset against what the kiosk really does (issue #20,
# point 10). The kiosk runs under strace against the simulator (start, sync, the attract screen
# drawn for a while, SIGTERM), and so do journeys of the e2e suite that reach the camera, the
# photo pipeline, the printer, the upload and the USB export. Every system call made must be in
# the SystemCallFilter= of both units (systemd-analyze expands the groups); no file of /proc may
# be opened but a process's own (ProcSubset=pid).
# Usage: syscall_filter_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v strace >/dev/null || fail "strace is not installed (scripts/setup installs it)"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is not installed (scripts/setup)"
work=$(mktemp -d /tmp/vmeste-syscalls.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if [[ -z ${DISPLAY:-} ]]; then
  Xvfb :93 -screen 0 1920x1920x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY=:93
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
fi

# The allowed calls: each unit's SystemCallFilter= with its groups expanded.
source "$src/tests/support/unit_syscalls.sh"
for unit in vmeste-kiosk.service vmeste-kiosk-cage.service; do
  grep -qx 'ProcSubset=pid' "$src/packaging/systemd/$unit" || fail "$unit lacks ProcSubset=pid"
  unit_allowed_calls "$src/packaging/systemd/$unit" >"$work/allowed-$unit" || fail "$unit's filter"
done

# The kiosk itself against the simulator.
"$build/tools/platform-sim/vmeste-platform-sim" --host 127.0.0.1 --port 0 --db "$work/sim.db" \
  --port-file "$work/sim.port" >"$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s $work/sim.port ]] && break; sleep 0.1; done
[[ -s $work/sim.port ]] || fail "the simulator did not start"
mkdir -p "$work/data"
printf 'platform_url = "http://127.0.0.1:%s"\ndata_dir = "%s"\ncamera = "synthetic"\nprinter = "none"\n' \
  "$(cat "$work/sim.port")" "$work/data" >"$work/kiosk.toml"
timeout -s TERM 12 strace -f -qq -o "$work/trace.kiosk" \
  "$build/kiosk/app/vmeste-kiosk" --windowed --config "$work/kiosk.toml" >"$work/kiosk.log" 2>&1 ||
  [[ $? == 124 ]] || { cat "$work/kiosk.log"; fail "the kiosk under strace"; }
grep -q "catalogue sync\|polls sync" "$work/kiosk.log" || { cat "$work/kiosk.log"; fail "the kiosk did not sync"; }
# Journeys that reach the rest: photo, upload, printer, similar appeals, maintenance's export.
strace -f -qq -o "$work/trace.e2e" "$build/tests/e2e_tests" \
  --gtest_filter='FirstAppeal.TypedOnTheKioskArrivesOnThePlatformWithTheSameCategoryAndText:Journeys.HappyPathWithPhotosABlurAndThePinOnTheMap:Maintenance.UnsentAppealsExportedToAStickLetTheResetGoAheadAndANewOneStopsItAgain' \
  >"$work/e2e.log" 2>&1 || { tail -30 "$work/e2e.log"; fail "the journeys under strace"; }

traced_calls "$work"/trace.* >"$work/used"
n=$(wc -l <"$work/used")
(( n > 40 )) || fail "only $n system calls seen: strace did not trace"
for unit in vmeste-kiosk.service vmeste-kiosk-cage.service; do
  missing=$(comm -23 "$work/used" "$work/allowed-$unit" | tr '\n' ' ')
  [[ -z $missing ]] || fail "$unit's SystemCallFilter= would refuse: $missing"
done
echo "ok: all $n system calls the kiosk made are in both units' SystemCallFilter="
# ProcSubset=pid: only /proc/self, /proc/thread-self and /proc/<pid>/… are there. glibc's malloc
# reads /proc/sys/vm/overcommit_memory when it shrinks a thread's heap, and does without it when
# it cannot (check_may_shrink_heap): not a need.
proc=$(grep -ohE '"/proc/[^"]*"' "$work"/trace.* | tr -d '"' |
  grep -vE '^/proc/(self|thread-self|[0-9]+)(/|$)' | grep -vx /proc/sys/vm/overcommit_memory |
  sort -u | tr '\n' ' ' || true)
[[ -z $proc ]] || fail "opened beyond ProcSubset=pid: $proc"
echo "ok: nothing of /proc but the processes' own was opened"
