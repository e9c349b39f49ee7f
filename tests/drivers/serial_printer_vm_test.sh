#!/usr/bin/env bash
# The receipt printer over a real 16550 serial port (issue #19, proof): Debian's kernel under
# qemu (tests/support/kernel_vm.sh) with two more serial ports — /dev/ttyS1, the printer line,
# and /dev/ttyS2, a control line — carried by qemu to serial_printer_peer on this host, which
# records the bytes and answers as an ESC/POS printer. /init runs driver_tests' SerialPrinterVm.
# Usage: serial_printer_vm_test.sh DRIVER_TESTS SERIAL_PRINTER_PEER
# (ctest: Printer.ReceiptsOverARealSerialPortAreConfirmedOrSaidNotPrinted)
set -euo pipefail
vm_name=serial_printer_vm_test
source "$(dirname "$0")/../support/kernel_vm.sh"
tests=$(realpath "$1")
peer=$(realpath "$2")
vm_init
vm_binary "$tests"
coproc PEER { exec "$peer"; }
peer_pid=$PEER_PID
read -r -t 10 word data_port ctrl_port <&"${PEER[0]}" || vm_fail "the printer peer did not start"
[[ $word == ports ]] || vm_fail "the printer peer said '$word'"
vm_qemu_args=(-serial "tcp:127.0.0.1:$data_port" -serial "tcp:127.0.0.1:$ctrl_port")
vm_run 'echo "ports: $(cat /proc/tty/driver/serial 2>/dev/null | grep -c "uart:16550A")"
VMESTE_SERIAL_PRINTER_CONTROL=/dev/ttyS2 /bin/driver_tests --gtest_filter="SerialPrinterVm.*" 2>&1
echo "VM-EXIT $?"'
wait "$peer_pid" 2>/dev/null || true
sed -n '/ports:/,$p' "$vm_work/console.txt"
grep -q "VM-EXIT 0" "$vm_work/console.txt" || vm_fail "the tests in the VM did not pass"
! grep -q "\[  SKIPPED \]" "$vm_work/console.txt" || vm_fail "a test was skipped in the VM"
echo "serial_printer_vm_test: OK"
