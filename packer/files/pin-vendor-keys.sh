#!/usr/bin/env bash
# Writes the vendor's key pins into the appliance configuration (outside DATA_DIR, not writable by
# the service): VENDOR_KEY_PINS=<thumbprint>[,<thumbprint>] from `control-plane keys list`.
#   pin-vendor-keys.sh ENV_FILE PINS     (empty PINS: the file is left as it is)
# Checked before anything is written: a mistyped pin would make the appliance refuse every license.
set -eu
file=${1:?usage: pin-vendor-keys.sh ENV_FILE PINS}
pins=${2-}
[ -n "$pins" ] || exit 0
IFS=',' read -r -a list <<< "$pins"
for pin in "${list[@]}"; do
  [[ "$pin" =~ ^[A-Za-z0-9_-]{43}$ ]] || { echo "VENDOR_KEY_PINS: \"$pin\" is not a key thumbprint (43 base64url characters); copy the line printed by \`control-plane keys list\`" >&2; exit 1; }
done
[ -f "$file" ] || { echo "$file does not exist" >&2; exit 1; }
# Replace the line where it is (its comment stays above it), or add it; the rest is kept as it was.
tmp=$(mktemp "$file.XXXXXX")
awk -v line="VENDOR_KEY_PINS=$pins" '/^VENDOR_KEY_PINS=/ { if (!done) print line; done = 1; next } { print } END { if (!done) print line }' "$file" > "$tmp"
chmod --reference="$file" "$tmp"
chown --reference="$file" "$tmp" 2>/dev/null || true
mv "$tmp" "$file"
