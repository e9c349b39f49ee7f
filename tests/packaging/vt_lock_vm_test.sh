#!/usr/bin/env bash
# Console switching on bare KMS/DRM (issue #9, escape shortcuts): vmestectl vt-lock, which
# vmeste-kiosk.service runs as root before the kiosk, brings tty1 to the front and locks
# switching, so Ctrl+Alt+F2 (the same VT_ACTIVATE chvt makes) leaves the kiosk on screen;
# vt-unlock, after it stops, allows it again. In Debian's kernel under qemu
# (tests/support/kernel_vm.sh). Usage: vt_lock_vm_test.sh VMESTECTL_BINARY
set -euo pipefail
vm_name=vt_lock_vm_test
source "$(dirname "$0")/../support/kernel_vm.sh"
bin=$(realpath "$1")
vm_init
vm_binary "$bin"
# The console in front is /sys/class/tty/tty0/active; chvt waits until its switch happens, so
# it goes to the background and is looked at a second later.
vm_run 'active() { cat /sys/class/tty/tty0/active; }
chvt 3; echo "start on $(active)"
/bin/vmestectl vt-lock /dev/tty1; echo "lock-rc $?"; echo "after lock on $(active)"
chvt 2 & sleep 1; echo "after chvt 2 while locked on $(active)"; kill $! 2>/dev/null
/bin/vmestectl vt-unlock /dev/tty1; echo "unlock-rc $?"
chvt 2 & sleep 1; echo "after chvt 2 unlocked on $(active)"; kill $! 2>/dev/null
/bin/vmestectl vt-lock /dev/null; echo "not-a-console-rc $?"'
c="$vm_work/console.txt"
grep -E "start on|lock|chvt|not-a-console|virtual console" "$c" | grep -v "^\[" || true
grep -q "lock-rc 0" "$c" || vm_fail "vt-lock failed"
grep -q "after lock on tty1" "$c" || vm_fail "vt-lock did not bring tty1 to the front"
grep -q "after chvt 2 while locked on tty1" "$c" || vm_fail "a locked console switched"
grep -q "unlock-rc 0" "$c" || vm_fail "vt-unlock failed"
grep -q "after chvt 2 unlocked on tty2" "$c" || vm_fail "an unlocked console did not switch"
grep -q "not-a-console-rc 1" "$c" || vm_fail "vt-lock on a non-console did not fail"
echo "vt_lock_vm_test: OK"
