#!/usr/bin/env bash
# Builds the folder that the image ships as /opt/iamanager/app: the compiled appliance and its
# production dependencies only. Run on the build host, before `packer build` (or the image test).
#   packer/scripts/bundle-app.sh OUT_DIR
set -euo pipefail
out=${1:?usage: bundle-app.sh OUT_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)

[ -f "$root/appliance/dist/main.js" ] || { echo "appliance is not built: run npm run build first" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/protocol/kernel" "$out/appliance" "$out/control-plane"
cp "$root/package.json" "$root/package-lock.json" "$root/README.md" "$out/"
cp "$root/protocol/package.json" "$out/protocol/"
cp "$root/protocol/kernel/package.json" "$out/protocol/kernel/"
cp "$root/appliance/package.json" "$out/appliance/"
cp "$root/control-plane/package.json" "$out/control-plane/"
cp -r "$root/protocol/dist" "$out/protocol/dist"
cp -r "$root/protocol/kernel/dist" "$out/protocol/kernel/dist"
cp -r "$root/appliance/dist" "$out/appliance/dist"
if [ -d "$root/appliance/static" ]; then cp -r "$root/appliance/static" "$out/appliance/static"; fi
# The draft templates shipped with the product (docs/drafting.md), read beside dist/.
cp -r "$root/appliance/templates" "$out/appliance/templates"
(cd "$out" && npm ci --omit=dev --no-audit --no-fund --workspace appliance --workspace protocol --workspace protocol/kernel >/dev/null)
rm -rf "$out/control-plane" "$out/node_modules/@iamanager/control-plane"
find "$out" -name '*.map' -delete
echo "bundled into $out ($(du -sh "$out" | cut -f1))"
