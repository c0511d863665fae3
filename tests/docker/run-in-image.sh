#!/usr/bin/env bash
# Runs a command in a built image the way the compose files run the service, without a container
# engine: in a private mount namespace, the image's root file system (a buildah container's
# mount) is remounted read-only; only the given data folders (at /data, /backups) and a /tmp tmpfs
# are writable; the process runs as the given uid:gid with no_new_privs and no capabilities, in
# the image's working directory, with exactly the given environment. The network is the host's.
#   run-in-image.sh ROOTFS UID:GID WORKDIR DATA_DIR BACKUP_DIR|- -- ENV=VALUE... -- COMMAND ARGS...
# Must run as root (mounts, chroot).
set -euo pipefail
rootfs=$1 user=$2 workdir=$3 data=$4 backups=$5; shift 5
[ "$1" = -- ] || { echo "usage: $0 ROOTFS UID:GID WORKDIR DATA BACKUPS|- -- ENV... -- COMMAND..." >&2; exit 2; }
shift
envs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
shift

exec unshare --mount --propagation private --fork -- bash -euo pipefail -c '
  rootfs=$1 user=$2 workdir=$3 data=$4 backups=$5; shift 5
  mount --bind "$rootfs" "$rootfs"
  mount -o remount,bind,ro "$rootfs"
  mount --bind "$data" "$rootfs/data"
  [ "$backups" = - ] || mount --bind "$backups" "$rootfs/backups"
  mount -t tmpfs -o size=64m,mode=1777,nosuid,nodev tmpfs "$rootfs/tmp"
  mount -t proc proc "$rootfs/proc"
  mount --rbind /dev "$rootfs/dev"
  # As an engine does: the host name files come from outside the image, read-only.
  for f in hosts resolv.conf; do if [ -e "$rootfs/etc/$f" ]; then mount --bind -o ro "/etc/$f" "$rootfs/etc/$f"; fi; done
  exec setpriv --no-new-privs chroot --userspec="$user" --groups="${user#*:}" "$rootfs" \
    /usr/bin/env -i -C "$workdir" "$@"
' run-in-image "$rootfs" "$user" "$workdir" "$data" "$backups" "${envs[@]}" "$@"
