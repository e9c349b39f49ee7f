#!/usr/bin/env bash
# USB device authorisation (issue #20, point 10; docs/operations.md, "USB"): Debian's
# usbguard-daemon, with Debian's own daemon config and the package's rules
# (packaging/usbguard/60-vmeste-kiosk.conf) and IPC rights for the kiosk's user
# (packaging/usbguard/vmeste), in Debian's kernel under qemu (tests/support/kernel_vm.sh). Three
# USB gadgets are looped back through dummy_hcd: a plain stick (0781:5581), a stick that is a
# serial line too (1d6b:0104, mass storage + CDC ACM), a receipt printer (04b8:0e28).
# driver_tests' UsbGuardVm.* then run as the `vmeste` user through the kiosk's own UsbGate.
# Usage: usbguard_vm_test.sh DRIVER_TESTS
set -euo pipefail
vm_name=usbguard_vm_test
source "$(dirname "$0")/../support/kernel_vm.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
tests=$(realpath "$1")
for f in /usr/sbin/usbguard-daemon /usr/bin/usbguard /etc/usbguard/usbguard-daemon.conf; do
  [[ -e $f ]] || vm_fail "$f missing (scripts/setup installs usbguard)"
done
vm_init
for m in dummy_hcd libcomposite usb_f_mass_storage usb_f_acm usb_f_printer usb-storage sd_mod \
         usblp cdc-acm; do
  vm_module $m
done
vm_insmods=${vm_insmods//dummy_hcd.ko/dummy_hcd.ko num=3}
vm_binary /usr/sbin/usbguard-daemon
vm_binary /usr/bin/usbguard
vm_binary "$tests"
vm_binary "$(command -v strace)"
e=$vm_root/etc/usbguard
mkdir -p "$e/rules.d" "$e/IPCAccessControl.d"
cp /etc/usbguard/usbguard-daemon.conf "$e/"
cp "$here/packaging/usbguard/60-vmeste-kiosk.conf" "$e/rules.d/"
cp "$here/packaging/usbguard/vmeste" "$e/IPCAccessControl.d/vmeste"
: > "$e/rules.conf"  # Debian writes the devices present at its install here: none in this VM
chmod 600 "$e/usbguard-daemon.conf" "$e/rules.conf" "$e/rules.d/"* "$e/IPCAccessControl.d/vmeste"
printf 'root:x:0:0:root:/:/bin/sh\nvmeste:x:999:999::/tmp:/bin/sh\n' > "$vm_root/etc/passwd"
printf 'root:x:0:\nplugdev:x:46:\nvmeste:x:999:\n' > "$vm_root/etc/group"
for a in dd mkdosfs su ln mkdir rm chmod; do ln -sf busybox "$vm_root/bin/$a"; done
vm_run 'export PATH=/bin
mount -t configfs none /sys/kernel/config
mkdir -p /dev/shm /run /var/log/usbguard; mount -t tmpfs none /dev/shm; mount -t tmpfs none /run
chmod 1777 /tmp
usbguard-daemon -k > /tmp/daemon.log 2>&1 &
for i in 1 2 3 4 5 6 7 8 9 10; do usbguard list-devices >/dev/null 2>&1 && break; sleep 1; done
gadget() {
  g=/sys/kernel/config/usb_gadget/$1
  mkdir -p $g/strings/0x409 $g/configs/c.1
  echo $2 > $g/idVendor; echo $3 > $g/idProduct; echo "$4" > $g/strings/0x409/product
  shift 4
  for f in "$@"; do mkdir $g/functions/$f; ln -s $g/functions/$f $g/configs/c.1/; done
}
dd if=/dev/zero of=/stick.img bs=1024 count=4096 2>/dev/null; mkdosfs /stick.img >/dev/null
cp /stick.img /talking.img
gadget stick 0x0781 0x5581 Ultra mass_storage.0
echo /stick.img > /sys/kernel/config/usb_gadget/stick/functions/mass_storage.0/lun.0/file
gadget talking 0x1d6b 0x0104 StickThatTalks mass_storage.0 acm.0
echo /talking.img > /sys/kernel/config/usb_gadget/talking/functions/mass_storage.0/lun.0/file
gadget printer 0x04b8 0x0e28 TM-T20II printer.0
echo dummy_udc.0 > /sys/kernel/config/usb_gadget/stick/UDC
echo dummy_udc.1 > /sys/kernel/config/usb_gadget/talking/UDC
echo dummy_udc.2 > /sys/kernel/config/usb_gadget/printer/UDC
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/usb/lp0 ] && break; sleep 1; done
sleep 2
echo "devices:"; usbguard list-devices | cut -c1-60
su vmeste -s /bin/sh -c "VMESTE_IN_USBGUARD_VM=1 /bin/driver_tests --gtest_filter=UsbGuardVm.* --gtest_color=no" 2>&1
echo "VM-EXIT $?"
# What the client calls, as the kiosk runs it: the units system-call filter must allow it all.
su vmeste -s /bin/sh -c "strace -f -qq -o /tmp/calls usbguard list-devices --blocked >/dev/null; strace -f -qq -o /tmp/calls2 usbguard block-device 9999 2>/dev/null"
echo "CALLS: $(sed -n "s/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p" /tmp/calls /tmp/calls2 | sort -u | tr "\n" " ")"'
c=$vm_work/console.txt
tr -d '\r' < "$c" | sed -n '/^devices:/,$p' | grep -v "^\s*$"
grep -q "VM-EXIT 0" "$c" || vm_fail "the tests in the VM did not pass"
grep -q "\[  SKIPPED \]" "$c" && vm_fail "a test was skipped in the VM"
grep -q "\[  PASSED  \] 2 tests" "$c" || vm_fail "the VM did not run both tests"
source "$here/tests/support/unit_syscalls.sh"
tr -d '\r' < "$c" | sed -n 's/^CALLS: //p' | tr ' ' '\n' | grep -v '^$' | sort -u > "$vm_work/used"
n=$(wc -l < "$vm_work/used")
(( n > 20 )) || vm_fail "only $n system calls of the usbguard client seen"
for unit in vmeste-kiosk.service vmeste-kiosk-cage.service; do
  unit_allowed_calls "$here/packaging/systemd/$unit" > "$vm_work/allowed"
  missing=$(comm -23 "$vm_work/used" "$vm_work/allowed" | tr '\n' ' ')
  [[ -z $missing ]] || vm_fail "$unit's SystemCallFilter= would refuse the usbguard client: $missing"
done
echo "usbguard_vm_test: OK (the client's $n system calls are in both units' filters)"
