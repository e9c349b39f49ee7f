#!/usr/bin/env bash
# The V4L2 driver against a real kernel's capture devices: vivid in Debian's kernel under qemu
# (tests/support/kernel_vm.sh); /init loads vivid and runs driver_tests' V4L2 and format tests.
# Usage: v4l2_vm_test.sh DRIVER_TESTS_BINARY (ctest: Camera.TheV4l2DriverAgainstARealKernelsVivid)
set -euo pipefail
vm_name=v4l2_vm_test
source "$(dirname "$0")/../support/kernel_vm.sh"
bin=$(realpath "$1")
vm_init
vm_module vivid
vm_binary "$bin"
vm_run 'echo "modules: $(cat /proc/modules | wc -l)"; ls /dev/video*
TZ=MSK-3 /bin/driver_tests --gtest_filter="V4l2Camera.*:CameraFormats.*" 2>&1
echo "VM-EXIT $?"'
sed -n '/modules:/,$p' "$vm_work/console.txt"
grep -q "VM-EXIT 0" "$vm_work/console.txt" || vm_fail "the tests in the VM did not pass"
! grep -q "\[  SKIPPED \]" "$vm_work/console.txt" || vm_fail "a test was skipped: no vivid /dev/video in the VM"
echo "v4l2_vm_test: OK"
