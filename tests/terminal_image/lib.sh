# Helpers of the terminal image's tests (sourced): a copy of scripts/image's disk under qemu (TCG,
# OVMF, virtio disk and GPU, user networking: the host is 10.0.2.2), its serial console, its
# monitor and its screen. The caller sets $work (a scratch directory) before using them.

image_tools_or_skip() {
  local t
  for t in qemu-system-x86_64 python3 sfdisk debugfs mkfs.ext4 mcopy mkfs.vfat; do
    command -v "$t" >/dev/null || { echo "$0: $t missing: skipped"; exit 77; }
  done
  [[ -f /usr/share/ovmf/OVMF.fd ]] || { echo "$0: ovmf missing: skipped"; exit 77; }
}

# The start and size (in 512-byte sectors) of partition N of a disk image.
part_range() {
  sfdisk -J "$1" | python3 -c "import json,sys; p=json.load(sys.stdin)['partitiontable']['partitions'][$2-1]; print(p['start'], p['size'])"
}

# Copies partition N of DISK out to FILE, or FILE back into partition N.
part_out() {
  local r; r=($(part_range "$1" "$2"))
  dd if="$1" of="$3" bs=1M iflag=skip_bytes,count_bytes skip=$((r[0] * 512)) count=$((r[1] * 512)) status=none
}
part_in() {
  local r; r=($(part_range "$1" "$2"))
  # Not conv=sparse: a block of zeros must overwrite what the partition held there before.
  dd if="$3" of="$1" bs=1M oflag=seek_bytes seek=$((r[0] * 512)) conv=notrunc status=none
}

# A small FAT disk labelled LABEL holding the files given: make_fat_disk FILE LABEL SRC...
make_fat_disk() {
  local out=$1 label=$2
  shift 2
  rm -f "$out"
  mkfs.vfat -n "$label" -C "$out" 8192 >/dev/null
  local f
  for f in "$@"; do mcopy -o -i "$out" "$f" ::/; done
}

# Boots $work/disk.img with more drives given as files: each a virtio disk, or with `usb:` a USB
# stick on the xHCI (qemu's usb-storage: mass storage 08:06:50, as usbguard sees a real stick).
# boot_vm [FILE|usb:FILE...]. Sets $qemu (its pid); the console is $work/console.txt, the
# monitor $work/monitor.sock.
boot_vm() {
  local extra=() f n=0
  for f in "$@"; do
    if [[ $f == usb:* ]]; then
      extra+=(-drive "file=${f#usb:},format=raw,if=none,id=stick$n"
              -device "usb-storage,bus=xhci.0,drive=stick$n")
      n=$((n + 1))
    else
      extra+=(-drive "file=$f,format=raw,if=virtio")
    fi
  done
  [[ -f $work/OVMF.fd ]] || cp /usr/share/ovmf/OVMF.fd "$work/OVMF.fd"
  : > "$work/console.txt"
  qemu-system-x86_64 -accel tcg -m 2048 -smp 2 -bios "$work/OVMF.fd" \
    -device qemu-xhci,id=xhci -drive file="$work/disk.img",format=raw,if=virtio "${extra[@]}" \
    -vga virtio -display none \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
    -serial file:"$work/console.txt" -monitor unix:"$work/monitor.sock",server,nowait \
    -no-reboot &
  qemu=$!
  disown "$qemu"  # a power cut (kill -9) is the test's doing, not news for the job table
  booted_at=$(date +%s.%N)
}

# The console as text (colours and carriage returns gone).
console_text() {
  tr -d '\r' < "$work/console.txt" 2>/dev/null | sed 's/\x1b\[[0-9;]*[mK]//g'
}

# Waits until the console has a line matching PATTERN (grep -E) or LIMIT seconds pass; prints
# the line. wait_console PATTERN LIMIT
wait_console() {
  local i line
  for ((i = 0; i < $2 * 5; ++i)); do
    line=$(console_text | grep -aE "$1" | head -1)
    if [[ -n $line ]]; then echo "$line"; return 0; fi
    kill -0 "$qemu" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# One command to qemu's monitor.
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
    s.recv(65536)
except socket.timeout:
    pass
EOF
}

# What the screen shows: "first-boot" (the theme's blue bar on top, a light page: «Настройка
# терминала»), "attract" (a light top bar and the wide blue «Сообщить о проблеме» button across
# the middle), or "other …". screen_kind PPM
screen_kind() {
  python3 - "$1" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
# P6: magic, width, height, maxval, then the pixels — the file's last w*h*3 bytes (split()
# would eat a first pixel's bytes that look like white space: 0x0d is the theme blue's red).
parts = data.split(maxsplit=3)
w, h = int(parts[1]), int(parts[2])
px = data[len(data) - w * h * 3:]
def at(x, y):
    o = (y * w + x) * 3
    return px[o], px[o + 1], px[o + 2]
def blue(c):
    r, g, b = c
    return b > 150 and r < 80
xs = range(0, w, max(1, w // 60))
top = [at(x, 8) for x in xs]
bottom = [at(x, h - 6) for x in xs]
page = tuple(sum(c[i] for c in bottom) // len(bottom) for i in range(3))
light = sum(page) > 600
if sum(1 for c in top if blue(c)) > len(top) * 0.8 and light:
    print("first-boot")
elif all(sum(c) > 600 for c in top) and light and any(
        sum(1 for x in xs if blue(at(x, y))) > len(xs) * 0.3 for y in range(h * 3 // 10, h * 6 // 10, 4)):
    print("attract")
else:
    print(f"other {w}x{h} top={top[0]} page={page}")
EOF
}

# Grabs the screen until it is KIND or LIMIT seconds pass; the last grab is $work/screen.ppm.
wait_screen() {
  local i kind
  for ((i = 0; i < $2 / 3; ++i)); do
    monitor "screendump $work/screen.ppm"
    kind=$(screen_kind "$work/screen.ppm" 2>/dev/null)
    [[ $kind == "$1" ]] && return 0
    sleep 2
  done
  echo "the screen is not $1 ($kind)"
  return 1
}

stop_vm() {
  kill -9 "$qemu" 2>/dev/null
  while kill -0 "$qemu" 2>/dev/null; do sleep 0.1; done
  qemu=""
}
