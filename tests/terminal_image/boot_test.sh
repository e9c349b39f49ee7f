#!/usr/bin/env bash
# The terminal's image boots to the kiosk (issue #24, point 2): scripts/image's raw disk under
# qemu (TCG, UEFI by OVMF, a virtio disk and a virtio-gpu display, user networking), a copy of the
# image each run. Passes when systemd says the kiosk's unit started — it is Type=notify, so that
# is the kiosk's READY — and the screen grabbed through qemu's monitor (screendump) is the
# kiosk's first-boot screen: the theme's blue bar on top, not a console. Prints the time from
# power-on to READY. Skipped (exit 77) without the image (`scripts/image` makes it; the label
# `image` is run on demand, docs/image.md).
#   tests/terminal_image/boot_test.sh [IMAGE]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
img=${1:-$here/../../build/image/vmeste-terminal.img}
[[ -f $img ]] || { echo "boot_test: no image at $img (run scripts/image): skipped"; exit 77; }
for t in qemu-system-x86_64 python3; do
  command -v "$t" >/dev/null || { echo "boot_test: $t missing: skipped"; exit 77; }
done
[[ -f /usr/share/ovmf/OVMF.fd ]] || { echo "boot_test: ovmf missing: skipped"; exit 77; }
work=$(mktemp -d /var/tmp/vmeste-boot-XXXXXX)
trap 'kill $qemu 2>/dev/null; rm -rf "$work"' EXIT
cp --sparse=always "$img" "$work/disk.img"
cp /usr/share/ovmf/OVMF.fd "$work/OVMF.fd"

started=$(date +%s.%N)
qemu-system-x86_64 -accel tcg -m 2048 -smp 2 -bios "$work/OVMF.fd" \
  -drive file="$work/disk.img",format=raw,if=virtio \
  -vga virtio -display none \
  -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -device qemu-xhci \
  -serial file:"$work/console.txt" -monitor unix:"$work/monitor.sock",server,nowait \
  -no-reboot &
qemu=$!

# The monitor, by its socket: one command, its answer.
monitor() {
  python3 - "$work/monitor.sock" "$1" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(10)
s.recv(4096)  # the banner
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(1)
try:
    print(s.recv(65536).decode(errors="replace"))
except socket.timeout:
    pass
EOF
}

ready=""
limit=${VMESTE_BOOT_TIMEOUT_S:-900}
for ((i = 0; i < limit; ++i)); do
  # systemd colours its status lines: the escapes go before the match.
  if sed 's/\x1b\[[0-9;]*[mK]//g' "$work/console.txt" 2>/dev/null |
    grep -aq "Started vmeste-kiosk-cage.service"; then
    ready=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
    break
  fi
  kill -0 $qemu 2>/dev/null || break
  sleep 1
done
if [[ -z $ready ]]; then
  echo "boot_test: FAIL: the kiosk's unit did not start within ${limit} s; the console's end:"
  tr -d '\r' < "$work/console.txt" | sed 's/\x1b\[[0-9;]*[mK]//g' | grep -v "start running" | tail -40
  exit 1
fi
echo "boot_test: power-on to READY ${ready} s (TCG)"
# The first frame is drawn right after READY; give the software renderer a moment.
shot=""
for ((i = 0; i < 60; ++i)); do
  sleep 2
  monitor "screendump $work/screen.ppm" >/dev/null
  verdict=$(python3 - "$work/screen.ppm" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
# P6 header: magic, width, height, maxval, then RGB bytes.
parts = data.split(maxsplit=4)
w, h = int(parts[1]), int(parts[2])
px = parts[4]
def at(x, y):
    o = (y * w + x) * 3
    return px[o], px[o + 1], px[o + 2]
# The kiosk's screens have the theme's blue bar on top (#0B4FD4-ish) and a light page under it.
top = [at(x, 8) for x in range(0, w, max(1, w // 50))]
blue = sum(1 for r, g, b in top if b > 150 and r < 80)
page = at(w // 2, h // 2)
print("kiosk" if blue > len(top) * 0.8 and sum(page) > 500 else f"not-yet {w}x{h} {top[0]} {page}")
EOF
)
  if [[ $verdict == kiosk ]]; then shot=$work/screen.ppm; break; fi
done
if [[ -z $shot ]]; then
  echo "boot_test: FAIL: the screen is not the kiosk's ($verdict)"
  exit 1
fi
mkdir -p "$here/../../build/image"
cp "$shot" "$here/../../build/image/first-boot.ppm"
echo "boot_test: the screen is the kiosk's first-boot screen (build/image/first-boot.ppm)"
echo "image_boot ready_s=$ready"
exit 0
