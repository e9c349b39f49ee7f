# kernel_vm.sh (sourced): a throwaway VM for tests that need a real kernel — Debian's own kernel
# under qemu-system-x86_64 with TCG (no KVM here), booting an initrd made on the spot from
# busybox-static, the kernel modules asked for (with what modules.dep says they need) and the
# binaries asked for (with every library ldd names). /init runs the test's lines and powers off;
# the serial console comes back in $vm_work/console.txt (DESIGN.md, "Testing against real
# things"). Needs linux-image-amd64, qemu-system-x86, busybox-static, cpio (scripts/setup).
#   vm_init; vm_module vivid; vm_binary /path/to/bin; vm_run 'commands…'

vm_fail() { echo "${vm_name:-kernel_vm}: FAIL: $*" >&2; exit 1; }

vm_init() {
  vm_kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
  [[ -n $vm_kernel ]] || vm_fail "no kernel in /boot (scripts/setup installs linux-image-amd64)"
  vm_mods=/lib/modules/${vm_kernel#/boot/vmlinuz-}
  command -v qemu-system-x86_64 >/dev/null || vm_fail "qemu-system-x86 is not installed (scripts/setup)"
  [[ -x /bin/busybox ]] || vm_fail "busybox-static is not installed (scripts/setup)"
  vm_work=$(mktemp -d /tmp/vmeste-vm-XXXXXX)
  trap 'rm -rf "$vm_work"' EXIT
  vm_root=$vm_work/root
  mkdir -p "$vm_root"/{bin,dev,proc,sys,tmp,lib/modules,etc}
  cp /bin/busybox "$vm_root/bin/"
  for a in sh mount insmod poweroff sleep cat ls echo chvt kill grep; do
    ln -s busybox "$vm_root/bin/$a"
  done
  vm_insmods=""
  vm_qemu_args=()  # more qemu arguments (devices, serial lines) a test adds
}

# A module and, first, what it needs (modules.dep lists the deepest last).
vm_module() {
  local rel deps order="" m
  rel=$(grep -o "^[^:]*/$1\.ko[^:]*" "$vm_mods/modules.dep" | head -1)
  [[ -n $rel ]] || vm_fail "module $1 is not in $vm_mods"
  deps=$(grep "^$rel:" "$vm_mods/modules.dep" | cut -d: -f2)
  for m in $deps; do order="$m $order"; done
  for m in $order $rel; do
    cp "$vm_mods/$m" "$vm_root/lib/modules/"
    vm_insmods+="insmod /lib/modules/$(basename "$m")"$'\n'
  done
}

# A binary at /bin/NAME and its libraries at their own paths.
vm_binary() {
  local lib
  cp "$1" "$vm_root/bin/$(basename "$1")"
  for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
    mkdir -p "$vm_root$(dirname "$lib")"
    cp -L "$lib" "$vm_root$lib"
  done
}

# Boots with /init = mounts, the modules, then $1; the console goes to $vm_work/console.txt.
vm_run() {
  {
    echo '#!/bin/sh'
    echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
    printf '%s' "$vm_insmods"
    echo "$1"
    echo 'poweroff -f'
  } > "$vm_root/init"
  chmod 755 "$vm_root/init"
  (cd "$vm_root" && find . | cpio -o -H newc --quiet | gzip -1 > "$vm_work/initrd.gz")
  timeout 900 qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -kernel "$vm_kernel" \
    -initrd "$vm_work/initrd.gz" -append "console=ttyS0 quiet panic=-1" -nographic -no-reboot \
    -monitor none -serial stdio "${vm_qemu_args[@]}" > "$vm_work/console.txt" 2>&1 || true
}
