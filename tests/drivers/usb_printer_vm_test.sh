#!/usr/bin/env bash
# The receipt printer against the kernel's real usblp (issue #19, point 1): Debian's kernel under
# qemu (tests/support/kernel_vm.sh) with a USB printer gadget looped back through dummy_hcd —
# libcomposite + usb_f_printer configured through configfs as an Epson TM-T20II — so the kiosk's
# driver writes to /dev/usb/lp0 exactly as on a terminal, and usb_printer_peer answers on the
# gadget's side (/dev/g_printer0). /init sets the gadget up and runs driver_tests' UsbPrinterVm.
# Usage: usb_printer_vm_test.sh DRIVER_TESTS USB_PRINTER_PEER
# (ctest: Printer.ReceiptsThroughTheKernelsUsblpAreConfirmedOrSaidNotPrinted)
set -euo pipefail
vm_name=usb_printer_vm_test
source "$(dirname "$0")/../support/kernel_vm.sh"
tests=$(realpath "$1")
peer=$(realpath "$2")
vm_init
for m in dummy_hcd libcomposite usb_f_printer usblp; do vm_module $m; done
vm_binary "$tests"
vm_binary "$peer"
for a in mkdir ln rm; do ln -sf busybox "$vm_root/bin/$a"; done
vm_run 'mount -t configfs none /sys/kernel/config
g=/sys/kernel/config/usb_gadget/vmeste
mkdir -p $g/strings/0x409 $g/configs/c.1 $g/functions/printer.usb0
echo 0x04b8 > $g/idVendor; echo 0x0e28 > $g/idProduct
echo EPSON > $g/strings/0x409/manufacturer; echo TM-T20II > $g/strings/0x409/product
echo "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;" > $g/functions/printer.usb0/pnp_string
ln -s $g/functions/printer.usb0 $g/configs/c.1/
echo dummy_udc.0 > $g/UDC
sleep 2; echo "devices: $(ls /dev/usb/ /dev/g_printer* 2>&1 | tr "\n" " ")"
VMESTE_USB_PRINTER_PEER=/bin/usb_printer_peer /bin/driver_tests --gtest_filter="UsbPrinterVm.*" 2>&1
echo "VM-EXIT $?"'
sed -n '/devices:/,$p' "$vm_work/console.txt"
grep -q "VM-EXIT 0" "$vm_work/console.txt" || vm_fail "the tests in the VM did not pass"
! grep -q "\[  SKIPPED \]" "$vm_work/console.txt" || vm_fail "a test was skipped: no usblp device in the VM"
echo "usb_printer_vm_test: OK"
