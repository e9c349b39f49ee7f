#!/usr/bin/env bash
# The terminal's image boots to the kiosk (issue #24, point 2): scripts/image's raw disk under
# qemu (TCG, UEFI by OVMF, a virtio disk and a virtio-gpu display, user networking), a copy of the
# image each run. Passes when systemd says the kiosk's unit started — it is Type=notify, so that
# is the kiosk's READY — and the screen grabbed through qemu's monitor (screendump) is the
# kiosk's first-boot screen («Настройка терминала»: the theme's blue bar on top, not a console).
# Prints the time from power-on to READY. Skipped (exit 77) without the image (`scripts/image`
# makes it; the label `image` is run on demand, docs/image.md).
#   tests/terminal_image/boot_test.sh [IMAGE]
# VMESTE_BOOT_DEBUG=1: the journal goes to the serial console too (the copy's boot entry gets
# systemd.journald.forward_to_console=1), for a boot that fails before anything else can tell why.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
img=${1:-$here/../../build/image/vmeste-terminal.img}
source "$here/lib.sh"
[[ -f $img ]] || { echo "boot_test: no image at $img (run scripts/image): skipped"; exit 77; }
image_tools_or_skip
work=$(mktemp -d /var/tmp/vmeste-boot-XXXXXX)
qemu=""
trap '[[ -n $qemu ]] && kill -9 $qemu 2>/dev/null; rm -rf "$work"' EXIT
cp --sparse=always "$img" "$work/disk.img"
if [[ ${VMESTE_BOOT_DEBUG:-0} == 1 ]]; then
  mtype -i "$work/disk.img@@1M" ::/loader/entries/vmeste.conf |
    sed '/^options/s/$/ systemd.journald.forward_to_console=1/' > "$work/entry.conf"
  mcopy -o -i "$work/disk.img@@1M" "$work/entry.conf" ::/loader/entries/vmeste.conf
fi

boot_vm
if ! wait_console "Started vmeste-kiosk-cage\\." "${VMESTE_BOOT_TIMEOUT_S:-900}" >/dev/null; then
  echo "boot_test: FAIL: the kiosk's unit did not start; the console's end:"
  console_text | grep -v "start running" | tail -40
  exit 1
fi
ready=$(python3 -c "import time; print(f'{time.time() - $booted_at:.1f}')")
echo "boot_test: power-on to READY ${ready} s (TCG)"
# The first frame is drawn right after READY; give the software renderer a moment.
if ! wait_screen first-boot 180; then
  echo "boot_test: FAIL: the screen is not the kiosk's first-boot screen"
  exit 1
fi
mkdir -p "$here/../../build/image"
cp "$work/screen.ppm" "$here/../../build/image/first-boot.ppm"
echo "boot_test: the screen is the kiosk's first-boot screen (build/image/first-boot.ppm)"
echo "image_boot ready_s=$ready"
exit 0
