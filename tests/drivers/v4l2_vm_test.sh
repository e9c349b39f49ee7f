#!/usr/bin/env bash
# The V4L2 driver against a real kernel's capture devices (DESIGN.md, "Testing against real
# things"): Debian's own kernel under qemu (TCG: no KVM here) boots an initrd holding busybox, the
# vivid test driver with its modules, and driver_tests with its libraries; /init loads vivid and
# runs the V4L2 tests; their output comes back on the serial console.
# Usage: v4l2_vm_test.sh DRIVER_TESTS_BINARY (ctest: Camera.TheV4l2DriverAgainstARealKernelsVivid)
set -euo pipefail
bin=$(realpath "$1")
fail() { echo "v4l2_vm_test: FAIL: $*" >&2; exit 1; }
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[[ -n $kernel ]] || fail "no kernel in /boot (scripts/setup installs linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}
mods=/lib/modules/$kver
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86 is not installed (scripts/setup)"
[[ -x /bin/busybox ]] || fail "busybox-static is not installed (scripts/setup)"

work=$(mktemp -d /tmp/vmeste-v4l2-vm-XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,etc}
cp /bin/busybox "$root/bin/"
for a in sh mount insmod poweroff sleep cat ls echo; do ln -s busybox "$root/bin/$a"; done
# vivid and what it needs, in load order (modules.dep lists the deepest last).
deps=$(grep "/vivid.ko:" "$mods/modules.dep" | cut -d: -f2)
order=""
for d in $deps; do order="$d $order"; done
order="$order kernel/drivers/media/test-drivers/vivid/vivid.ko"
for m in $order; do cp "$mods/$m" "$root/lib/modules/"; done
# The test binary and every library it loads, at the same paths.
cp "$bin" "$root/bin/driver_tests"
for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
{
  echo '#!/bin/sh'
  echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
  for m in $order; do echo "insmod /lib/modules/$(basename "$m")"; done
  echo 'echo "modules: $(cat /proc/modules | wc -l)"; ls /dev/video*'
  echo 'TZ=MSK-3 /bin/driver_tests --gtest_filter="V4l2Camera.*:CameraFormats.*" 2>&1'
  echo 'echo "VM-EXIT $?"'
  echo 'poweroff -f'
} > "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 > "$work/initrd.gz")
timeout 900 qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -kernel "$kernel" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1" -nographic -no-reboot -monitor none -serial stdio \
  > "$work/console.txt" 2>&1 || true
cat "$work/console.txt" | sed -n "/modules:/,\$p"
grep -q "VM-EXIT 0" "$work/console.txt" || fail "the tests in the VM did not pass"
grep -q "\[  SKIPPED \]" "$work/console.txt" && fail "the real-device test was skipped: no /dev/video in the VM"
echo "v4l2_vm_test: OK"
