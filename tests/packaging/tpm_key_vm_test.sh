#!/usr/bin/env bash
# The device key sealed to a real TPM 2.0 (issue #20, point 7; docs/storage.md): Debian's kernel
# under qemu with swtpm as the terminal's TPM (tests/support/kernel_vm.sh), Debian's own
# systemd-creds doing the sealing.
#   Terminal A: an appeal with a contact is stored; `vmestectl seal-key` seals the key to A's
#   TPM and leaves no plaintext key; what PID 1 does for the unit's LoadCredentialEncrypted=
#   (systemd-creds decrypt into a private directory) gives the kiosk's read path its key and the
#   appeal opens; vmestectl as root opens the store too. The data directory leaves A (over the
#   serial console).
#   Terminal B, the thief's machine, with a TPM of its own: the sealed key does not open, the
#   store does not open, no key is made, and no byte of the text, name or phone is on the disk.
# Usage: tpm_key_vm_test.sh VMESTECTL STORE_PROBE
set -euo pipefail
vm_name=tpm_key_vm_test
source "$(dirname "$0")/../support/kernel_vm.sh"
ctl=$(realpath "$1")
probe=$(realpath "$2")
command -v swtpm >/dev/null || vm_fail "swtpm is not installed (scripts/setup: swtpm swtpm-tools)"
creds=$(command -v systemd-creds) || vm_fail "systemd-creds is not installed (package systemd)"

text="Сломан пандус у входа в поликлинику"
name="Мария Кузнецова"
phone="+79165550123"

# One terminal: its own swtpm, the binaries, TPM2 libraries systemd loads with dlopen (ldd does
# not name them), and the data directory given (or none).
terminal() {  # $1 = A|B, $2 = commands, $3 = data directory tarball to start with (optional)
  vm_init
  vm_binary "$ctl"
  vm_binary "$probe"
  vm_binary "$creds"
  local lib f
  for f in esys rc mu tctildr tcti-device; do
    for lib in /usr/lib/x86_64-linux-gnu/libtss2-"$f".so.*; do
      [[ -e $lib ]] || vm_fail "$lib missing (package libtss2-dev or tpm2-tools)"
      mkdir -p "$vm_root/usr/lib/x86_64-linux-gnu"
      cp -a "$lib" "$vm_root/usr/lib/x86_64-linux-gnu/"
    done
    for lib in $(ldd /usr/lib/x86_64-linux-gnu/libtss2-"$f".so.0 | grep -o '/[^ ]*'); do
      mkdir -p "$vm_root$(dirname "$lib")"
      cp -L "$lib" "$vm_root$lib"
    done
  done
  for a in base64 tar gzip mkdir rm env chmod; do ln -sf busybox "$vm_root/bin/$a"; done
  [[ -n ${3:-} ]] && tar -C "$vm_root" -xzf "$3"
  mkdir -p "$vm_work/tpm"
  swtpm socket --tpm2 --tpmstate dir="$vm_work/tpm" --ctrl type=unixio,path="$vm_work/tpm/sock" &
  local tpm=$!
  for _ in $(seq 50); do [[ -S $vm_work/tpm/sock ]] && break; sleep 0.1; done
  vm_qemu_args=(-chardev "socket,id=chrtpm,path=$vm_work/tpm/sock"
                -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0)
  vm_run "export PATH=/bin
$2"
  kill "$tpm" 2>/dev/null || true
  cp "$vm_work/console.txt" "$out/console-$1.txt"
}

out=$(mktemp -d /tmp/vmeste-tpm-XXXXXX)
trap 'rm -rf "$out"' EXIT

# Terminal A.
(terminal A "ls -l /dev/tpmrm0
vmeste-store-probe write /data TPM-0001 '$text' '$name' '$phone'
vmestectl --data-dir /data seal-key --root /sysroot; echo \"seal-rc \$?\"
[ -e /data/device.key ] && echo 'PLAINTEXT KEY LEFT'
cat /sysroot/etc/systemd/system/vmeste-kiosk.service.d/40-vmeste-device-key.conf
mkdir -p /run/credentials/vmeste-kiosk.service
systemd-creds decrypt --name=device-key /data/device.key.cred /run/credentials/vmeste-kiosk.service/device-key; echo \"pid1-rc \$?\"
CREDENTIALS_DIRECTORY=/run/credentials/vmeste-kiosk.service vmeste-store-probe read /data TPM-0001
vmestectl --data-dir /data status | grep 'device key'; echo \"root-status-rc \$?\"
rm -rf /run/credentials
echo BEGIN-DATA; tar -C / -czf - data | base64; echo END-DATA")
ca="$out/console-A.txt"
tr -d '\r' < "$ca" | grep -E "^(seal-rc|pid1-rc|root-status-rc|appeal:|probe:|vmestectl|PLAINTEXT|LoadCredential|the device key|device key)" || true
grep -q "seal-rc 0" "$ca" || vm_fail "vmestectl seal-key failed on terminal A"
grep -q "PLAINTEXT KEY LEFT" "$ca" && vm_fail "a plaintext device.key is left after sealing"
grep -q "LoadCredentialEncrypted=device-key:/data/device.key.cred" "$ca" ||
  vm_fail "seal-key wrote no LoadCredentialEncrypted= drop-in"
grep -q "pid1-rc 0" "$ca" || vm_fail "systemd-creds did not open the sealed key on its own TPM"
grep -qF "appeal: $text | $name | $phone" "$ca" ||
  vm_fail "the appeal did not open with the key systemd handed the service"
grep -q "root-status-rc 0" "$ca" || vm_fail "vmestectl as root did not open the sealed store"
grep -q "device key: *sealed to this terminal's TPM" "$ca" || vm_fail "status does not say the key is sealed"
tr -d '\r' < "$ca" | sed -n '/^BEGIN-DATA$/,/^END-DATA$/p' | sed '1d;$d' | base64 -d > "$out/data.tgz" ||
  vm_fail "the data directory did not come back over the console"
mkdir "$out/data" && tar -C "$out/data" -xzf "$out/data.tgz"
[[ -s $out/data/data/device.key.cred && -s $out/data/data/appeals.db ]] ||
  vm_fail "the data directory came back incomplete"

# Terminal B: the disk in another machine.
(terminal B "systemd-creds decrypt --name=device-key /data/device.key.cred /tmp/key; echo \"pid1-rc \$?\"
vmeste-store-probe read /data TPM-0001; echo \"probe-rc \$?\"
vmestectl --data-dir /data status; echo \"root-status-rc \$?\"
[ -e /data/device.key ] && echo 'A NEW KEY WAS MADE'
grep -rlF '$name' /data && echo 'NAME IN THE CLEAR'
grep -rlF '$phone' /data && echo 'PHONE IN THE CLEAR'
grep -rlF 'пандус' /data && echo 'TEXT IN THE CLEAR'
echo B-DONE" "$out/data.tgz")
cb="$out/console-B.txt"
tr -d '\r' < "$cb" | grep -E "^(pid1-rc|probe|root-status-rc|vmestectl|A NEW|NAME|PHONE|TEXT|B-DONE)" || true
grep -q "B-DONE" "$cb" || vm_fail "terminal B did not finish"
grep -q "pid1-rc 0" "$cb" && vm_fail "the sealed key opened on another machine's TPM"
grep -q "pid1-rc " "$cb" || vm_fail "systemd-creds did not run on terminal B"
grep -q "probe-rc 1" "$cb" || vm_fail "the store opened on another machine"
grep -q "root-status-rc 1" "$cb" || vm_fail "vmestectl opened the store on another machine"
grep -qE "A NEW KEY|IN THE CLEAR" "$cb" && vm_fail "$(grep -E "A NEW KEY|IN THE CLEAR" "$cb")"
echo "tpm_key_vm_test: OK"
