#!/usr/bin/env bash
# The terminal's image enrolled from a setup disk and updated through Mender (issue #24, points
# 2-4), under qemu against the platform simulator on the host (10.0.2.2 from the guest):
#   tests/terminal_image/update_test.sh commit|health|powercut [IMAGE]
# Every scenario: a copy of scripts/image's disk whose kiosk has 100 appeals queued (written into
# its data partition by vmeste-store-probe, the kiosk's own store code) while the simulator
# refuses appeals (503); a USB stick labelled VMESTE-CONF with the terminal's kiosk.toml, its
# first PINs and a one-time enrolment code (usbguard holds it back; the setup lets it through
# while the terminal is not enrolled, and blocks it again); the kiosk enrols, reaches READY and
# shows the attract screen. Then:
#   commit    a signed artifact of the kiosk's package (a new version) is installed with
#             `mender install` and `mender commit`: the health check passes (the heartbeat goes
#             out though the platform still refuses appeals), the new version runs.
#   health    an artifact whose kiosk cannot start: `mender commit` fails the health check and
#             Mender rolls back by itself; the old version runs. (An unsigned artifact is refused
#             before anything is installed.)
#   powercut  qemu is killed while dpkg installs; at the next boot the update is rolled back.
# Then the simulator takes appeals again: all 100 arrive, each once, and the terminal has none
# left. The guest is driven by a unit added to this test's copy of the image only (the image
# itself has no way in: no getty, no ssh): it runs driver.sh from a disk labelled VMESTE-TEST.
# Skipped (77) without the image, qemu, OVMF or mender-artifact. Label `image`, on demand.
set -uo pipefail
scenario=${1:?commit, health or powercut}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
img=${2:-$top/build/image/vmeste-terminal.img}
key=${VMESTE_UPDATE_KEY:-$top/build/image/keys/artifact-private.pem}
sim_bin=${VMESTE_SIM:-$top/build/dev/tools/platform-sim/vmeste-platform-sim}
probe=${VMESTE_STORE_PROBE:-$top/build/dev/tests/vmeste-store-probe}
source "$here/lib.sh"
[[ -f $img ]] || { echo "update_test: no image at $img (run scripts/image): skipped"; exit 77; }
image_tools_or_skip
for f in "$key" "$sim_bin" "$probe"; do
  [[ -f $f ]] || { echo "update_test: $f missing: skipped"; exit 77; }
done
command -v mender-artifact >/dev/null || { echo "update_test: mender-artifact missing: skipped"; exit 77; }

work=$(mktemp -d /var/tmp/vmeste-update-XXXXXX)
qemu="" sim="" web=""
trap '[[ -n $qemu ]] && kill -9 $qemu 2>/dev/null; kill $sim $web 2>/dev/null; rm -rf "$work"' EXIT
fail() {
  echo "update_test[$scenario]: FAIL: $*"
  echo "--- the console's end:"
  console_text | grep -v "start running" | tail -40
  exit 1
}
say() { echo "update_test[$scenario]: $*"; }
cp --sparse=always "$img" "$work/disk.img"

# The platform on the host, refusing appeals until the update is done.
code=4711-0815-2026
"$sim_bin" --host 127.0.0.1 --port 0 --port-file "$work/sim.port" --db "$work/sim.db" \
  --enrol-code "$code" --require-enrolment --fault "appeals:status=503" > "$work/sim.log" 2>&1 &
sim=$!
for ((i = 0; i < 100; ++i)); do [[ -s $work/sim.port ]] && break; sleep 0.1; done
port=$(cat "$work/sim.port")
[[ -n $port ]] || fail "the simulator did not start"
stats() { curl -s "http://127.0.0.1:$port/sim/stats"; }

# The artifacts, served to the guest over HTTP from the host. "good": the image's package as a
# new version; "broken": a new version whose kiosk exits at once; "unsigned": good, not signed.
deb=$(ls "$top"/build/package/vmeste-kiosk_*_amd64.deb | head -1)
old_version=$(dpkg-deb -f "$deb" Version)
repack() {  # repack NAME VERSION [broken]
  local d=$work/pkg-$1
  dpkg-deb -R "$deb" "$d"
  sed -i "s/^Version: .*/Version: $2/" "$d/DEBIAN/control"
  if [[ ${3:-} == broken ]]; then
    printf '#!/bin/sh\necho "vmeste-kiosk: broken on purpose (update test)" >&2\nexit 1\n' \
      > "$d/usr/bin/vmeste-kiosk"
  fi
  dpkg-deb -b -Zxz "$d" "$work/www/$1.deb" >/dev/null
}
mkdir -p "$work/www"
new_version="$old_version+update1"
case $scenario in
  health) repack next "$old_version+broken1" broken; new_version="$old_version+broken1" ;;
  *) repack next "$new_version" ;;
esac
mender-artifact write module-image -T vmeste-deb -n "vmeste-kiosk-$new_version" \
  -t vmeste-terminal -f "$work/www/next.deb" --software-name vmeste-kiosk \
  --software-version "$new_version" -k "$key" -o "$work/www/next.mender" >/dev/null ||
  fail "mender-artifact could not write the artifact"
mender-artifact write module-image -T vmeste-deb -n "vmeste-kiosk-$new_version-unsigned" \
  -t vmeste-terminal -f "$work/www/next.deb" -o "$work/www/unsigned.mender" >/dev/null
(cd "$work/www" && exec python3 -m http.server --bind 127.0.0.1 0 > "$work/web.log" 2>&1) &
web=$!
for ((i = 0; i < 50; ++i)); do
  web_port=$(grep -o 'port [0-9]*' "$work/web.log" | grep -o '[0-9]*' | head -1)
  [[ -n $web_port ]] && break
  sleep 0.1
done
[[ -n $web_port ]] || fail "the artifacts' web server did not start"

# 100 appeals queued in the terminal's data directory (partition 3, /data/vmeste), written by
# the kiosk's own store code; the files belong to the kiosk's user, as on a terminal.
part_out "$work/disk.img" 3 "$work/data.ext4"
mkdir "$work/data"
debugfs -R "rdump / $work/data" "$work/data.ext4" 2>/dev/null
owner=$(stat -c %u:%g "$work/data/vmeste")
"$probe" fill "$work/data/vmeste" 100 > /dev/null 2>&1 || fail "the queue could not be written"
chown -R "$owner" "$work/data/vmeste"
blocks=$(($(stat -c %s "$work/data.ext4") / 1024))
mkfs.ext4 -q -F -L vmeste-data -d "$work/data" "$work/data.ext4" "${blocks}k"
part_in "$work/disk.img" 3 "$work/data.ext4"

# The test's way in: a unit in this copy's root that runs driver.sh from the VMESTE-TEST disk.
cat > "$work/driver.service" <<'EOF'
[Unit]
Description=update test driver (this test's copy of the image only)
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'mkdir -p /run/vmeste-test && mount -o ro /dev/disk/by-label/VMESTE-TEST /run/vmeste-test && exec /bin/sh /run/vmeste-test/driver.sh'
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity
EOF
part_out "$work/disk.img" 2 "$work/root.ext4"
debugfs -w -R "write $work/driver.service /etc/systemd/system/vmeste-test-driver.service" \
  "$work/root.ext4" >/dev/null 2>&1
debugfs -w -R "symlink /etc/systemd/system/multi-user.target.wants/vmeste-test-driver.service /etc/systemd/system/vmeste-test-driver.service" \
  "$work/root.ext4" >/dev/null 2>&1
part_in "$work/disk.img" 2 "$work/root.ext4"

# The setup disk: the terminal's settings for this platform, and the code.
cat > "$work/kiosk.toml" <<EOF
platform_url = "http://10.0.2.2:$port"
allow_plain_http = true
require_enrolment = true
heartbeat_interval_s = 20
retry_base_ms = 500
retry_cap_ms = 3000
EOF
echo "$code" > "$work/enrolment-code"
echo 2468 > "$work/staff-pin"
echo 135790 > "$work/technician-pin"
make_fat_disk "$work/setup.img" VMESTE-CONF "$work/kiosk.toml" "$work/enrolment-code" \
  "$work/staff-pin" "$work/technician-pin"

# What the guest does: the first boot's part, then each scenario's.
url="http://10.0.2.2:$web_port"
cat > "$work/driver.sh" <<EOF
say() { echo "VMESTE-TEST: \$*"; }
status() { vmestectl --data-dir /var/lib/vmeste status --json 2>/dev/null; }
field() { status | grep -o "\"\$1\": *[0-9]*" | head -1 | grep -o '[0-9]*\$'; }
# What the kiosk says about itself, for a failure's reader (the console's end is printed).
diag() {
  say "diag status: \$(status | tr -d ' \n' | cut -c1-1500)"
  journalctl -u vmeste-kiosk-cage.service --no-pager -o cat 2>/dev/null | grep -v "^\$" |
    tail -25 | sed 's/^/VMESTE-TEST: diag journal: /'
}
for i in \$(seq 1 150); do
  [ -s /var/lib/vmeste/device_token ] && systemctl -q is-active vmeste-kiosk-cage.service && break
  sleep 2
done
say "up version=\$(dpkg-query -W -f '\${Version}' vmeste-kiosk) queued=\$(field queued_appeals) enrolled=\$([ -s /var/lib/vmeste/device_token ] && echo yes || echo no) pins=\$(grep -o 'argon2id' /var/lib/vmeste/access.json 2>/dev/null | wc -l) sticks-blocked=\$(usbguard list-devices --blocked 2>/dev/null | grep -c 'with-interface 08:') usb-default=\$(cat /sys/module/usbcore/parameters/authorized_default)"
case "$scenario" in
commit | health)
  mender install "$url/unsigned.mender" >/dev/null 2>&1; say "unsigned rc=\$?"
  mender install "$url/next.mender"; say "install rc=\$?"
  # The platform still refuses appeals: a healthy kiosk's heartbeat goes out all the same.
  mender commit; say "commit rc=\$?"
  diag
  ;;
powercut)
  if [ ! -f /run/vmeste-test/second-boot ]; then
    mender install "$url/next.mender" &
    for i in \$(seq 1 600); do grep -qx dpkg /proc/[0-9]*/comm 2>/dev/null && break; sleep 0.1; done
    say "cut-now"
    sleep 600
  fi
  ;;
esac
for i in \$(seq 1 60); do systemctl -q is-active vmeste-kiosk-cage.service && break; sleep 2; done
say "after version=\$(dpkg-query -W -f '\${Version}' vmeste-kiosk) active=\$(systemctl is-active vmeste-kiosk-cage.service) state=\$(tr -d ' \n' < /data/vmeste-update/state.json)"
say "waiting-for-delivery"
for i in \$(seq 1 150); do [ "\$(field queued_appeals)" = 0 ] && break; sleep 2; done
say "final queued=\$(field queued_appeals) delivered=\$(field delivered) quarantined=\$(field quarantined)"
say "done"
EOF
make_fat_disk "$work/test.img" VMESTE-TEST "$work/driver.sh"

# The first boot: enrolled from the setup disk, READY, the attract screen.
boot_vm "usb:$work/setup.img" "$work/test.img"
wait_console "Started vmeste-kiosk-cage\\." 600 >/dev/null || fail "the kiosk did not start"
ready=$(python3 -c "import time; print(f'{time.time() - $booted_at:.1f}')")
up=$(wait_console "VMESTE-TEST: up " 400) || fail "the driver never saw the kiosk up"
say "$up (READY at $ready s)"
[[ $up == *"enrolled=yes"* ]] || fail "the setup disk's code did not enrol the terminal"
[[ $up == *"queued=100"* ]] || fail "the terminal does not have its 100 appeals queued"
[[ $up == *"pins=2"* ]] || fail "the setup disk's PINs were not set"
[[ $up == *"sticks-blocked=1"* ]] || fail "the setup stick was not blocked again after the setup"
[[ $up == *"usb-default=0"* ]] || fail "the kernel takes USB devices before usbguard allows them"
[[ $up == *"version=$old_version "* ]] || fail "the image does not run $old_version"
wait_screen attract 120 || fail "the enrolled terminal does not show the attract screen"
cp "$work/screen.ppm" "$top/build/image/attract.ppm"
say "the enrolled terminal shows the attract screen (build/image/attract.ppm)"

case $scenario in
  commit | health)
    line=$(wait_console "VMESTE-TEST: unsigned rc=" 300) || fail "no answer to the unsigned artifact"
    [[ $line == *"rc=0" ]] && fail "an unsigned artifact was installed"
    say "an unsigned artifact is refused ($line)"
    line=$(wait_console "VMESTE-TEST: install rc=" 600) || fail "mender install did not finish"
    say "$line"
    [[ $line == *"rc=0" ]] || fail "mender install failed"
    line=$(wait_console "VMESTE-TEST: commit rc=" 900) || fail "mender commit did not finish"
    say "$line"
    if [[ $scenario == commit ]]; then
      [[ $line == *"rc=0" ]] || fail "the healthy update was not committed"
    else
      [[ $line == *"rc=0" ]] && fail "the broken update was committed"
    fi
    ;;
  powercut)
    wait_console "VMESTE-TEST: cut-now" 600 >/dev/null || fail "the install never started"
    stop_vm
    say "power cut while dpkg ran"
    echo second > "$work/second-boot"
    mcopy -o -i "$work/test.img" "$work/second-boot" ::/
    boot_vm "usb:$work/setup.img" "$work/test.img"
    wait_console "vmeste-update: .*rolling back" 600 >/dev/null ||
      fail "the boot after the cut did not roll the update back"
    wait_console "VMESTE-TEST: up " 600 >/dev/null || fail "the kiosk did not come back after the cut"
    ;;
esac

after=$(wait_console "VMESTE-TEST: after " 600) || fail "the driver did not report the outcome"
say "$after"
if [[ $scenario == commit ]]; then
  [[ $after == *"version=$new_version "* ]] || fail "the new version does not run"
  [[ $after == *'"state":"committed"'* ]] || fail "the update state is not committed"
else
  [[ $after == *"version=$old_version "* ]] || fail "the old version does not run again"
  [[ $after == *'"state":"rolled-back"'* ]] || fail "the update state is not rolled-back"
  [[ $scenario == health ]] && [[ $after != *'"reason":"not-ready"'* && $after != *'"reason":"restarted"'* ]] &&
    fail "the rollback's reason is not the kiosk's failure"
  [[ $scenario == powercut ]] && [[ $after != *'"reason":"power-lost"'* ]] &&
    fail "the rollback's reason is not the power cut"
fi
[[ $after == *"active=active"* ]] || fail "the kiosk is not running after the update"

# The platform takes appeals again: all 100 arrive, each once.
wait_console "VMESTE-TEST: waiting-for-delivery" 120 >/dev/null || fail "the driver stopped"
curl -s -X DELETE "http://127.0.0.1:$port/sim/faults" >/dev/null
final=$(wait_console "VMESTE-TEST: final " 400) || fail "the queue was not delivered"
say "$final"
got=$(stats | python3 -c "import json,sys; print(json.load(sys.stdin)['appeals'])")
[[ $final == *"queued=0 delivered=100 quarantined=0"* ]] || fail "the terminal did not deliver its 100 appeals ($final)"
[[ $got == 100 ]] || fail "the platform has $got appeals, not 100"
say "the platform has the 100 appeals, each once; the terminal has none left"
echo "image_update scenario=$scenario ready_s=$ready"
exit 0
