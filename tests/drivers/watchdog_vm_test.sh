#!/usr/bin/env bash
# The hardware watchdog rule against the kernel's softdog (issue #19, point 4): in Debian's kernel
# under qemu (tests/support/kernel_vm.sh), watchdog_vm_check plays systemd for a kiosk that hangs
# three times and is restarted each time (the machine must stay up), then hangs for good (softdog
# must reset the machine). qemu runs with -no-reboot, so the reset ends the VM.
# Usage: watchdog_vm_test.sh WATCHDOG_VM_CHECK
# (ctest: Watchdog.AHangRestartsTheServiceAndOnlyAServiceThatCannotComeBackResetsTheMachine)
set -euo pipefail
vm_name=watchdog_vm_test
source "$(dirname "$0")/../support/kernel_vm.sh"
check=$(realpath "$1")
vm_init
vm_module softdog
vm_binary "$check"
started=$(date +%s)
vm_run 'ls /dev/watchdog
/bin/watchdog_vm_check 2>&1
echo "VM-EXIT $?"'
took=$(( $(date +%s) - started ))
sed -n '/dev\/watchdog/,$p' "$vm_work/console.txt"
grep -q "UP after 3 restarts" "$vm_work/console.txt" || vm_fail "the machine did not stay up across the restarts"
grep -q "kiosk 4 hung" "$vm_work/console.txt" || vm_fail "the last hang was not reached"
! grep -q "STILL UP" "$vm_work/console.txt" || vm_fail "softdog did not reset the machine"
grep -qi "softdog.*reboot\|Initiating system reboot" "$vm_work/console.txt" ||
  vm_fail "no reset by softdog on the console"
echo "watchdog_vm_test: OK (${took} s)"
