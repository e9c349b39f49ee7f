#!/usr/bin/env bash
# scripts/image builds the terminal's image (issue #24, point 1) from the newest package in
# build/package, and what it built is what docs/image.md says: a raw GPT disk and its checksum,
# three partitions by name, a read-only root with the kiosk, the Mender client, the update module
# and the signature key, no getty and a locked root, a data partition with the kiosk's directory
# owned by its user and the known-good package, and a signed update artifact that verifies with
# the image's key and not with another; the kernel takes no USB device before usbguard allows it;
# a region's config (VMESTE_IMAGE_CONFIG) is the terminal's, and one that fails its check is
# refused before anything is built. The label `image`'s other tests use the image it builds
# (ctest fixture image_built; `ctest -L image -FS image_built` reuses the last one).
# Skipped (77) without root, without a package (scripts/package makes one) or without apt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
fail() { echo "build_test: FAIL: $*"; exit 1; }
[[ $(id -u) == 0 ]] || { echo "build_test: needs root (mmdebstrap's chroot): skipped"; exit 77; }
deb=$(ls -t "$top"/build/package/vmeste-kiosk_*_amd64.deb 2>/dev/null | head -1)
[[ -n $deb ]] || { echo "build_test: no package in build/package (scripts/package): skipped"; exit 77; }
command -v apt-get >/dev/null || { echo "build_test: no apt: skipped"; exit 77; }

cd "$top" || exit 1
# A region's config that fails its check is refused before anything is built.
work=$(mktemp -d /var/tmp/vmeste-build-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
printf 'platform_url = "https://gateway.region.example"\nheartbeat_interval_s = "often"\n' > "$work/bad.toml"
started=$(date +%s)
refused=$(VMESTE_IMAGE_CONFIG=$work/bad.toml bash scripts/image "$deb" 2>&1) &&
  fail "scripts/image took a config that fails its check"
[[ $refused == *"is refused"*"heartbeat_interval_s"* ]] || fail "the refusal does not say why: $refused"
(($(date +%s) - started < 60)) || fail "the bad config was refused only after building"
# The image is built with a region's config (its gateway on the first-boot screen).
sed 's|https://gateway.example.ru|https://gateway.region.example|' packaging/vmeste.toml > "$work/region.toml"
grep -q gateway.region.example "$work/region.toml" || fail "packaging/vmeste.toml has no gateway to replace"
# VMESTE_IMAGE_PREBUILT=1: check the image already in build/image (made from that package).
[[ ${VMESTE_IMAGE_PREBUILT:-0} == 1 ]] ||
  VMESTE_IMAGE_CONFIG=$work/region.toml bash scripts/image "$deb" || fail "scripts/image failed"
out=build/image
img=$out/vmeste-terminal.img
(cd "$out" && sha256sum --quiet -c vmeste-terminal.img.sha256) || fail "the checksum does not match"
mtype -i "$img@@1M" ::/loader/entries/vmeste.conf | grep -q 'usbcore.authorized_default=0' ||
  fail "the kernel takes USB devices before usbguard allows them (usbcore.authorized_default)"
names=$(sfdisk -J "$img" | python3 -c "import json,sys; print(' '.join(p['name'] for p in json.load(sys.stdin)['partitiontable']['partitions']))")
[[ $names == "vmeste-esp vmeste-root vmeste-data" ]] || fail "partitions: $names"

part_out "$img" 2 "$work/root.ext4"
part_out "$img" 3 "$work/data.ext4"
root() { debugfs -R "$1" "$work/root.ext4" 2>/dev/null; }
data() { debugfs -R "$1" "$work/data.ext4" 2>/dev/null; }
root "cat /etc/fstab" | grep -Eq '^PARTLABEL=vmeste-root +/ +ext4 +ro' || fail "the root is not mounted read-only"
for f in /usr/bin/vmeste-kiosk /usr/bin/vmestectl /usr/bin/cage /usr/sbin/seatd /usr/bin/mender \
  /usr/share/mender/modules/v3/vmeste-deb /usr/lib/vmeste/vmeste-update /usr/lib/vmeste/update-health \
  /etc/mender/artifact-verify-key.pem; do
  root "stat $f" | grep -q "^Inode:" || fail "$f is not in the image"
done
root "stat /etc/systemd/system/getty@.service" | grep -q 'Fast link dest: "/dev/null"' ||
  fail "getty@.service is not masked"
root "cat /etc/shadow" | grep -q '^root:!' || fail "root's password is not locked"
root "cat /etc/mender/mender.conf" | grep -q ArtifactVerifyKey || fail "Mender does not verify signatures"
uid=$(root "cat /etc/passwd" | awk -F: '$1 == "vmeste" {print $3}')
[[ -n $uid ]] || fail "the image has no vmeste user"
data "stat /vmeste" | grep -Eq "User: +$uid " || fail "/data/vmeste is not the kiosk's user's"
data "stat /vmeste-update/current.deb" | grep -q "^Inode:" || fail "no known-good package on /data"
if [[ ${VMESTE_IMAGE_PREBUILT:-0} != 1 ]]; then
  data "cat /etc-vmeste/kiosk.toml" | cmp -s - "$work/region.toml" ||
    fail "the terminal's settings are not the region's config (VMESTE_IMAGE_CONFIG)"
fi

version=$(dpkg-deb -f "$deb" Version)
artifact=$out/vmeste-kiosk-$version.mender
[[ -f $artifact ]] || fail "no update artifact $artifact"
root "dump /etc/mender/artifact-verify-key.pem $work/key.pem" >/dev/null
mender-artifact validate -k "$work/key.pem" "$artifact" >/dev/null 2>&1 ||
  fail "the artifact does not verify with the image's key"
openssl ecparam -genkey -name prime256v1 -noout -out "$work/other.pem" 2>/dev/null
openssl ec -in "$work/other.pem" -pubout -out "$work/other.pub" 2>/dev/null
mender-artifact validate -k "$work/other.pub" "$artifact" >/dev/null 2>&1 &&
  fail "the artifact verifies with another key"
cat "$out/figures.txt"
echo "build_test: the image and its signed artifact are as documented"
exit 0
