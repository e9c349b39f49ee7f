#!/usr/bin/env bash
# The Debian package, built from a build tree and installed into a throwaway root with dpkg
# (--root, maintainer scripts run without chroot with DPKG_ROOT set): the file list and
# permissions, the dependencies, the conffiles, the system user and its groups, the data
# directory; an upgrade keeps the technician's config and the data; a purge keeps the data.
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/vmeste-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/out/vmeste-kiosk_*_*.deb)
[[ $(basename "$deb") =~ ^vmeste-kiosk_[0-9]+\.[0-9]+\.[0-9]+_(amd64|arm64|i386|armhf)\.deb$ ]] ||
  fail "package name $(basename "$deb")"
pass "built $(basename "$deb")"

# The file list with modes and owners.
dpkg-deb -c "$deb" >"$work/list"
expect() {  # MODE PATH
  grep -qE "^$1 root/root +[0-9]+ [0-9-]+ [0-9:]+ \.$2\$" "$work/list" ||
    { cat "$work/list"; fail "$2 with mode $1"; }
}
expect -rwxr-xr-x /usr/bin/vmeste-kiosk
expect -rwxr-xr-x /usr/bin/vmestectl
expect -rw-r--r-- /etc/vmeste/kiosk.toml
expect -rw-r--r-- /etc/vmeste/boot.env
expect -rw-r--r-- /lib/systemd/system/vmeste-kiosk.service
expect -rw-r--r-- /lib/systemd/system/vmeste-kiosk-cage.service
expect -rw-r--r-- /lib/udev/rules.d/60-vmeste-watchdog.rules
expect -rw-r--r-- /usr/lib/systemd/logind.conf.d/vmeste-kiosk.conf
expect -rw-r--r-- /usr/lib/sysctl.d/60-vmeste-kiosk.conf
expect -rw-r--r-- /lib/udev/rules.d/80-vmeste-usb-stick.rules
expect -rwxr-xr-x /usr/lib/vmeste/mount-stick
expect -rw------- /etc/usbguard/rules.d/60-vmeste-kiosk.conf
expect -rw------- /etc/usbguard/IPCAccessControl.d/vmeste
expect -rw-r--r-- /usr/share/doc/vmeste-kiosk/operations.md
! grep -q "platform-sim\|/var/lib/vmeste/" "$work/list" || fail "the simulator or data in the package"
pass "file list and permissions"

depends=$(dpkg-deb -f "$deb" Depends)
for d in fonts-paratype espeak-ng libsdl2 libcurl libsqlite3 libsodium libturbojpeg libqrencode; do
  [[ $depends == *"$d"* ]] || fail "Depends lacks $d: $depends"
done
[[ $(dpkg-deb -f "$deb" Recommends) == *cage* ]] || fail "Recommends cage"
[[ $(dpkg-deb -f "$deb" Recommends) == *xwayland* ]] || fail "Recommends xwayland (cage needs it)"
[[ $(dpkg-deb -f "$deb" Recommends) == *usbguard* ]] || fail "Recommends usbguard"
[[ $(dpkg-deb -f "$deb" Recommends) == *seatd* ]] || fail "Recommends seatd (the cage unit's seat)"
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/vmeste/kiosk.toml "$work/control/conffiles" || fail "kiosk.toml is not a conffile"
for f in /etc/usbguard/rules.d/60-vmeste-kiosk.conf /etc/usbguard/IPCAccessControl.d/vmeste; do
  grep -qx "$f" "$work/control/conffiles" || fail "$f is not a conffile"
done
for s in postinst prerm postrm; do [[ -x $work/control/$s ]] || fail "$s"; done
pass "dependencies, conffiles, maintainer scripts"

# A throwaway root: dpkg's database and the account files the maintainer scripts edit.
root=$work/root
mkdir -p "$root"/var/lib/dpkg/{info,updates,triggers} "$root"/etc "$root"/usr/sbin
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
printf 'root:*::\n' >"$root/etc/gshadow"
chmod 0640 "$root/etc/shadow" "$root/etc/gshadow"
install_deb() {
  dpkg --root="$root" --force-script-chrootless --force-depends --force-confold \
    --log=/dev/null -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
}
install_deb
[[ -x $root/usr/bin/vmeste-kiosk ]] || fail "vmeste-kiosk not installed"
"$root/usr/bin/vmestectl" config check "$root/etc/vmeste/kiosk.toml" >/dev/null ||
  fail "the packaged config does not pass its own check"
uid=$(awk -F: '$1 == "vmeste" {print $3}' "$root/etc/passwd")
[[ -n $uid ]] || fail "no vmeste user"
[[ $(awk -F: '$1 == "vmeste" {print $7}' "$root/etc/passwd") == /usr/sbin/nologin ]] ||
  fail "the vmeste user can log in"
for g in video render input lp dialout audio watchdog; do
  members=$(awk -F: -v g="$g" '$1 == g {print $4}' "$root/etc/group")
  [[ ,$members, == *,vmeste,* ]] || fail "vmeste not in group $g ($members)"
done
[[ $(stat -c '%a %u' "$root/var/lib/vmeste") == "750 $uid" ]] ||
  fail "/var/lib/vmeste is $(stat -c '%a %u' "$root/var/lib/vmeste")"
pass "installed: user vmeste ($uid) in its groups, /var/lib/vmeste 0750"

# vmestectl as root (the documented `echo PIN | vmestectl set-pin`), then the service's user:
# every file it made is the service's, and the service's user reads the PIN and the store.
chmod 0755 "$work"  # the service's user walks to the data directory like on a terminal
data=$root/var/lib/vmeste
echo 2468 | "$root/usr/bin/vmestectl" --data-dir "$data" set-pin staff >/dev/null ||
  fail "vmestectl set-pin as root"
foreign=$(find "$data" ! -uid "$uid" -printf '%p ')
[[ -z $foreign ]] || fail "vmestectl as root left files the kiosk cannot own: $foreign"
gid=$(awk -F: '$1 == "vmeste" {print $4}' "$root/etc/passwd")
setpriv --reuid="$uid" --regid="$gid" --clear-groups \
  "$root/usr/bin/vmestectl" --data-dir "$data" status >/dev/null ||
  fail "the service's user cannot read what vmestectl as root wrote"
rm -rf "${data:?}"/* "$data"/.[!.]*
pass "vmestectl as root leaves only files of the vmeste user"

# The units as systemd reads them (systemd-analyze is in scripts/setup: never skipped).
command -v systemd-analyze >/dev/null || fail "systemd-analyze is not installed (scripts/setup)"
for u in vmeste-kiosk.service vmeste-kiosk-cage.service; do
  out=$(systemd-analyze verify --root="$root" "/lib/systemd/system/$u" 2>&1 || true)
  bad=$(grep -v -e "Failed to\|Command .* is not executable\|not found\|cage" <<<"$out" | grep -i "unknown\|invalid\|error" || true)
  [[ -z $bad ]] || fail "$u: $bad"
done
pass "units verified"

# The box around the app (issue #20, point 10): each directive of both units, the kernel's SysRq
# keys off, Ctrl+Alt+Del masked, and systemd's own exposure score.
for u in vmeste-kiosk.service vmeste-kiosk-cage.service; do
  f=$root/lib/systemd/system/$u
  for d in SystemCallFilter=@system-service SystemCallErrorNumber=EPERM ProtectProc=invisible \
    ProcSubset=pid DevicePolicy=closed NoNewPrivileges=yes CapabilityBoundingSet= \
    ProtectSystem=strict RestrictNamespaces=yes; do
    grep -qx "$d" "$f" || fail "$u lacks $d"
  done
  ! grep -q '^DeviceAllow=char-ttyS\|^DeviceAllow=char-usbmisc\|^DeviceAllow=char-usb_device' "$f" ||
    fail "$u allows every virtual console or raw USB"
  score=$(systemd-analyze security --offline=yes "$f" 2>/dev/null |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  [[ -n $score ]] || fail "$u: no exposure score from systemd-analyze security"
  awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || fail "$u: exposure $score above 2.5"
  pass "$u: each hardening directive; systemd-analyze security exposure $score"
done
grep -qx 'NotifyAccess=main' "$root/lib/systemd/system/vmeste-kiosk.service" ||
  fail "vmeste-kiosk.service: NotifyAccess=main"
grep '^SupplementaryGroups=' "$root/lib/systemd/system/vmeste-kiosk-cage.service" | grep -qw input &&
  fail "the cage unit runs with the input group (cage reads input through logind)"
grep -qx 'kernel.sysrq = 0' "$root/usr/lib/sysctl.d/60-vmeste-kiosk.conf" || fail "kernel.sysrq = 0"
[[ $(readlink "$root/etc/systemd/system/ctrl-alt-del.target") == /dev/null ]] ||
  fail "ctrl-alt-del.target is not masked"
pass "SysRq off, Ctrl+Alt+Del masked, cage without the input group"

# USB (issue #20, point 10): every usbguard rule parses with usbguard's own parser (the daemon
# refuses to start on one that does not); a stick's mount is the kiosk's, without programs.
command -v usbguard-rule-parser >/dev/null || fail "usbguard-rule-parser missing (scripts/setup: usbguard)"
rules=0
while IFS= read -r rule; do
  usbguard-rule-parser "$rule" >/dev/null 2>&1 || fail "usbguard does not parse: $rule"
  rules=$((rules + 1))
done < <(grep -v '^#' "$root/etc/usbguard/rules.d/60-vmeste-kiosk.conf" | grep -v '^$')
[[ $rules -ge 2 ]] || fail "the usbguard rules file has $rules rules"
mkdir -p "$work/fakebin"
printf '#!/bin/sh
echo "systemd-mount $*"
' >"$work/fakebin/systemd-mount"
printf '#!/bin/sh
[ "$2" = vmeste ] || exit 1
[ "$1" = -u ] && echo 999 || echo 998
' \
  >"$work/fakebin/id"
chmod 755 "$work/fakebin/"*
mounted=$(PATH="$work/fakebin:$PATH" "$root/usr/lib/vmeste/mount-stick" /dev/sdb1)
[[ $mounted == *"nosuid,nodev,noexec,uid=999,gid=998,umask=0077"*" /dev/sdb1 /media/vmeste-stick" ]] ||
  fail "mount-stick: $mounted"
grep -q 'ENV{ID_BUS}=="usb", ENV{ID_FS_TYPE}=="vfat|exfat", ENV{ID_FS_LABEL}!="VMESTE-CONF", RUN+="/usr/lib/vmeste/mount-stick $devnode"' \
  "$root/lib/udev/rules.d/80-vmeste-usb-stick.rules" || fail "the stick's udev rule (a setup disk is left to the image's setup)"
pass "usbguard: $rules rules parse; a stick mounts nosuid,nodev,noexec for the kiosk's user"

# An upgrade: the technician's config edit and the data stay.
echo '# edited on site' >>"$root/etc/vmeste/kiosk.toml"
echo 'sentinel' >"$root/var/lib/vmeste/appeals.db"
chmod 0700 "$root/var/lib/vmeste"  # as a technician may have
install_deb
grep -q '# edited on site' "$root/etc/vmeste/kiosk.toml" || fail "the upgrade replaced the config"
[[ $(cat "$root/var/lib/vmeste/appeals.db") == sentinel ]] || fail "the upgrade touched the data"
[[ $(awk -F: '$1 == "vmeste" {print $3}' "$root/etc/passwd") == "$uid" ]] || fail "uid changed"
pass "upgrade keeps config and data"

# A purge: the package's files go, the data (maybe unsent appeals) stays.
dpkg --root="$root" --force-script-chrootless --log=/dev/null --purge vmeste-kiosk \
  >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge"; }
[[ ! -e $root/usr/bin/vmeste-kiosk ]] || fail "purge left the binary"
[[ ! -e $root/etc/vmeste/kiosk.toml ]] || fail "purge left the config"
[[ $(cat "$root/var/lib/vmeste/appeals.db") == sentinel ]] || fail "purge deleted the data"
grep -q "kept (it may hold unsent appeals)" "$work/dpkg.log" || fail "purge did not say so"
[[ ! -e $root/etc/systemd/system/ctrl-alt-del.target ]] || fail "purge left Ctrl+Alt+Del masked"
pass "purge keeps /var/lib/vmeste, gives Ctrl+Alt+Del back"
echo "package test: 11 passed, 0 failed"
