#!/usr/bin/env bash
# The image's update steps (packaging/image/overlay/usr/lib/vmeste/vmeste-update) cut by a power
# loss at every point where they make something durable (issue #24, point 4). The image tests
# cut one moment (qemu killed while dpkg runs); this one cuts each of the script's `sync` calls
# in turn, on the host, in a second: `sync` is a stand-in that, at the N-th call, kills the whole
# process group at once (the script, Mender, dpkg), as a power cut would. What the steps wrote
# before that call stays, nothing after it happens. Then the next boot's `vmeste-update recover`
# runs (as vmeste-update-recover.service does when `pending` exists), and the terminal must be
# consistent: the package that runs is the known-good one, the record (state.json) says what
# happened to it, and neither the script nor Mender is left waiting for a commit.
#
# Stand-ins (on PATH; the script itself is the image's, unchanged): dpkg (records the version
# "installed", half-configured first, with a cut point in between), dpkg-query, mender (the
# standalone client's order: install → ArtifactInstall, then its own record; commit →
# ArtifactCommit, else ArtifactRollback; rollback → ArtifactRollback), update-health (passes or
# fails, per flow), findmnt and mount (the root is read-only, remounted). dpkg-deb is Debian's.
# Flows: an update that commits, one whose health check fails (Mender rolls it back).
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
script=$here/packaging/image/overlay/usr/lib/vmeste/vmeste-update
command -v dpkg-deb >/dev/null || { echo "update_steps_test: no dpkg-deb: skipped"; exit 77; }
t=$(mktemp -d /tmp/vmeste-update-steps-XXXXXX)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$t"' EXIT
failures=0
fail() { echo "update_steps_test: FAIL: $*"; failures=$((failures + 1)); }

# Two small packages of the kiosk: the known-good 1.0 and the update 2.0.
for v in 1.0 2.0; do
  mkdir -p "$t/src-$v/DEBIAN"
  printf 'Package: vmeste-kiosk\nVersion: %s\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' \
    "$v" > "$t/src-$v/DEBIAN/control"
  dpkg-deb -b "$t/src-$v" "$t/kiosk-$v.deb" >/dev/null || { echo "cannot build a .deb"; exit 1; }
done

mkdir -p "$t/bin" "$t/lib"
cp "$script" "$t/lib/vmeste-update"
chmod +x "$t/lib/vmeste-update"
# The cut: the N-th durable point ends every process of the step at once.
cat > "$t/bin/sync" <<'EOF'
#!/bin/sh
n=$(($(cat "$T/syncs" 2>/dev/null || echo 0) + 1))
echo $n > "$T/syncs"
if [ -n "${CUT_AT:-}" ] && [ "$n" -eq "$CUT_AT" ]; then
  echo cut > "$T/was-cut"
  kill -KILL 0
fi
exit 0  # the order is what is tested here, not the disk
EOF
cat > "$t/bin/dpkg" <<'EOF'
#!/bin/sh
case $1 in
  --configure) exit 0 ;;
esac
for a; do deb=$a; done
v=$(dpkg-deb -f "$deb" Version)
echo "$v-half-configured" > "$T/installed"
sync "$T/installed"
echo "$v" > "$T/installed"
EOF
cat > "$t/bin/dpkg-query" <<'EOF'
#!/bin/sh
cat "$T/installed"
EOF
# Mender's standalone order (mender 3.4, app/standalone.go): its record of an install is
# written after ArtifactInstall; a commit runs ArtifactCommit then Cleanup, and only then removes
# the record (so does a rollback); each record change is a durable write of its own (a cut point).
cat > "$t/bin/mender" <<'EOF'
#!/bin/sh
u=$T/lib/vmeste-update
record() { : > "$T/mender-pending"; sync "$T/mender-pending"; }
forget() { rm -f "$T/mender-pending"; sync "$T"; }
case $1 in
  install)
    if "$u" install "$2"; then record; exit 0; fi
    "$u" rollback; "$u" failed; forget; exit 1 ;;
  commit)
    [ -f "$T/mender-pending" ] || { echo "mender: no update in progress" >&2; exit 1; }
    if "$u" commit; then forget; exit 0; fi
    "$u" rollback; "$u" failed; forget; exit 1 ;;
  rollback)
    [ -f "$T/mender-pending" ] || { echo "mender: no update in progress" >&2; exit 1; }
    "$u" rollback; rc=$?; forget; exit $rc ;;
esac
exit 2
EOF
cat > "$t/lib/update-health" <<'EOF'
#!/bin/sh
[ -f "$T/healthy" ] && { echo "healthy"; exit 0; }
echo "restarted: the kiosk exited"; exit 1
EOF
printf '#!/bin/sh\necho ro\n' > "$t/bin/findmnt"
printf '#!/bin/sh\nexit 0\n' > "$t/bin/mount"
chmod +x "$t/bin/"* "$t/lib/update-health"

field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2"; }

# One terminal: 1.0 installed and known-good, no update under way.
fresh() {
  rm -rf "$t/data" "$t/installed" "$t/mender-pending" "$t/syncs" "$t/was-cut" "$t/healthy"
  mkdir -p "$t/data"
  cp "$t/kiosk-1.0.deb" "$t/data/current.deb"
  echo 1.0 > "$t/installed"
}

# run FLOW CUT: the flow's steps, cut at the CUT-th sync (0: not cut); then the next boot.
run() {
  local flow=$1 cut=$2
  fresh
  [[ $flow == commit ]] && : > "$t/healthy"
  export T=$t VMESTE_UPDATE_DIR=$t/data PATH=$t/bin:$PATH
  CUT_AT=$cut setsid -w sh -c 'mender install "$T/kiosk-2.0.deb" && mender commit' \
    > "$t/steps.log" 2>&1
  # The next boot (the unit's ConditionPathExists=pending), never cut itself.
  step_syncs=$(cat "$t/syncs")
  marked=0
  grep -q '^committing=' "$t/data/pending" 2>/dev/null && marked=1
  if [[ -f $t/data/pending ]]; then
    setsid -w "$t/lib/vmeste-update" recover >> "$t/steps.log" 2>&1
  fi
  export PATH=${PATH#"$t/bin:"}
  [[ -f $t/was-cut ]]
}

check() {
  local flow=$1 cut=$2 what="$1, cut at sync $2"
  local installed state good version
  installed=$(cat "$t/installed")
  good=$(dpkg-deb -f "$t/data/current.deb" Version)
  [[ -f $t/data/pending ]] && fail "$what: an update is still under way after the boot"
  [[ -f $t/mender-pending ]] && fail "$what: Mender still waits for a commit"
  [[ -f $t/data/next.deb ]] && fail "$what: next.deb left behind"
  [[ $installed == "$good" ]] ||
    fail "$what: $installed runs but the known-good package is $good"
  if [[ -f $t/data/state.json ]]; then
    state=$(field state "$t/data/state.json")
    version=$(field version "$t/data/state.json")
    [[ $version == "$installed" ]] || fail "$what: the record says $version, $installed runs"
    case $state in
      committed) [[ $installed == 2.0 ]] || fail "$what: committed but $installed runs" ;;
      rolled-back) [[ $installed == 1.0 ]] || fail "$what: rolled back but $installed runs" ;;
      *) fail "$what: the record is left at '$state'" ;;
    esac
    [[ $flow == health && $state == committed ]] && fail "$what: an unhealthy update was committed"
    # Past the commit's point of no return a cut must not undo a healthy update.
    [[ $marked == 1 && $state != committed ]] && fail "$what: cut after the health check passed, yet '$state'"
  else
    [[ $installed == 1.0 ]] || fail "$what: no record, and $installed runs"
  fi
}

for flow in commit health; do
  # Uncut first: the outcome every cut is measured against.
  run "$flow" 0 2>/dev/null
  check "$flow" 0
  total=$step_syncs
  want=$([[ $flow == commit ]] && echo "committed 2.0" || echo "rolled-back 1.0")
  got="$(field state "$t/data/state.json") $(cat "$t/installed")"
  [[ $got == "$want" ]] || fail "$flow, not cut: ended '$got', not '$want'"
  committed_cuts=0
  for ((cut = 1; cut <= total; ++cut)); do
    if ! run "$flow" "$cut" 2>/dev/null; then
      fail "$flow: sync $cut of $total was never reached"
      continue
    fi
    check "$flow" "$cut"
    [[ $(cat "$t/installed") == 2.0 ]] && committed_cuts=$((committed_cuts + 1))
    if [[ $failures -gt 0 ]]; then
      echo "--- the steps' log:"; cat "$t/steps.log"; break 2
    fi
  done
  echo "update_steps_test: $flow: $total cut points, each ends consistent ($committed_cuts of them with 2.0 committed)"
  if [[ $flow == commit && $committed_cuts -lt 3 ]]; then
    fail "commit: only $committed_cuts cuts after the health check kept the update"
  fi
done
# An artifact refused before its install begins (not the kiosk's package): Mender's rollback finds
# nothing to undo and says so without failing (a failed rollback would mark the terminal's
# artifact name inconsistent), and nothing changes.
fresh
mkdir -p "$t/src-other/DEBIAN"
printf 'Package: something-else\nVersion: 9\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' \
  > "$t/src-other/DEBIAN/control"
dpkg-deb -b "$t/src-other" "$t/other.deb" >/dev/null
export T=$t VMESTE_UPDATE_DIR=$t/data PATH=$t/bin:$PATH
mender install "$t/other.deb" > "$t/steps.log" 2>&1 && fail "another package was installed"
"$t/lib/vmeste-update" rollback >> "$t/steps.log" 2>&1 || fail "a rollback with nothing under way failed"
export PATH=${PATH#"$t/bin:"}
[[ $(cat "$t/installed") == 1.0 && ! -f $t/data/pending && ! -f $t/data/state.json ]] ||
  fail "a refused artifact changed the terminal"
grep -q "not vmeste-kiosk" "$t/steps.log" || fail "the refusal does not say why"
((failures == 0)) || exit 1
echo "update_steps_test: OK"
