#!/usr/bin/env bash
# Boot to the app under cage (issue #9), for real: Debian's cage on wlroots' headless backend
# (no GPU, no seat: pixman), run as an unprivileged user the way vmeste-kiosk-cage.service runs
# it, with the kiosk full screen in appliance mode. For each renderer the kiosk must tell systemd
# READY (it does after its first frame), and the software renderer must do it with no GL driver
# in the process. Usage: cage_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
kiosk="$build/kiosk/app/vmeste-kiosk"
fail() { echo "cage_test: FAIL: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "cage_test: needs root (to run cage as another user); skipped"; exit 0; }
command -v cage >/dev/null && command -v Xwayland >/dev/null || fail "cage and xwayland are not installed (scripts/setup)"
py=/usr/bin/python3
[[ -x $py ]] || py=python3

work=$(mktemp -d /tmp/vmeste-cage-XXXXXX)
trap 'pkill -KILL -f "$work" 2>/dev/null || true; rm -rf "$work"' EXIT
chmod 755 "$work"
user=nobody
# The build tree may be where that user cannot read (a clone under /root): run a copy.
install -m 755 "$kiosk" "$work/vmeste-kiosk"
kiosk="$work/vmeste-kiosk"

for renderer in software opengl; do
  dir="$work/$renderer"
  mkdir -p "$dir/data" "$dir/xdg"
  printf 'data_dir = "%s/data"\nplatform_url = "http://127.0.0.1:9"\nrenderer = "%s"\n' "$dir" "$renderer" > "$dir/kiosk.toml"
  # What systemd would be: a datagram socket NOTIFY_SOCKET names, READY=1 expected on it.
  cat > "$dir/notify.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
import os; os.chmod(sys.argv[1], 0o777)
s.settimeout(float(sys.argv[2]))
try:
    while True:
        msg = s.recv(4096).decode()
        if "READY=1" in msg.split("\n"):
            print("READY"); sys.stdout.flush(); break
except socket.timeout:
    print("TIMEOUT")
PY
  # The kiosk's own report of what it mapped, taken once it is up, for the GL-driver check.
  cat > "$dir/run.sh" <<SH
#!/bin/sh
export SDL_VIDEODRIVER=wayland NOTIFY_SOCKET="$dir/notify.sock"
"$kiosk" --config "$dir/kiosk.toml" > "$dir/kiosk.log" 2>&1 &
pid=\$!
for i in \$(seq 1 100); do grep -q . "$dir/ready" 2>/dev/null && break; sleep 0.2; done
sleep 1
grep -c -e '_dri\.so' -e 'libLLVM' -e 'libgallium' /proc/\$pid/maps > "$dir/gl_maps" || true
awk '/^Pss:/ {print int(\$2 / 1024)}' /proc/\$pid/smaps_rollup > "$dir/pss_mib"
kill -TERM \$pid
wait \$pid
echo \$? > "$dir/exit_code"
SH
  chmod 755 "$dir/run.sh"
  chown -R "$user" "$dir"
  (runuser -u "$user" -- "$py" "$dir/notify.py" "$dir/notify.sock" 30 > "$dir/ready") &
  listener=$!
  for i in $(seq 1 50); do [[ -S $dir/notify.sock ]] && break; sleep 0.1; done
  runuser -u "$user" -- env -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR="$dir/xdg" \
    WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman \
    timeout 60 cage -- "$dir/run.sh" > "$dir/cage.log" 2>&1 || true
  wait $listener || true
  [[ $(cat "$dir/ready") == READY ]] || { cat "$dir/kiosk.log" "$dir/cage.log" >&2; fail "$renderer: no READY under cage"; }
  [[ $(cat "$dir/exit_code" 2>/dev/null) == 0 ]] || { cat "$dir/kiosk.log" >&2; fail "$renderer: SIGTERM did not end it cleanly"; }
  ! grep -q "error\]" "$dir/kiosk.log" || { cat "$dir/kiosk.log" >&2; fail "$renderer: errors in the log"; }
  if [[ $renderer == software ]]; then
    [[ $(cat "$dir/gl_maps") == 0 ]] || fail "software: a GL driver was loaded"
    grep -q "X11 display" "$dir/kiosk.log" || fail "software: not drawn on cage's Xwayland display"
  fi
  echo "cage_test: $renderer: READY under cage, PSS $(cat "$dir/pss_mib") MiB, GL driver maps $(cat "$dir/gl_maps")"
done
echo "cage_test: OK"
