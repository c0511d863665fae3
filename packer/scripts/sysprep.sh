#!/usr/bin/env bash
# Seals the image: nothing that identifies this build machine or grants access to it ships.
# Every clone generates its own machine id, SSH host keys and secrets at first boot.
set -eux

# An empty machine-id makes systemd generate a new one at first boot (and marks "first boot").
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id
ln -sf /etc/machine-id /var/lib/dbus/machine-id

# No root password: administration goes through iamanager-admin and sudo.
passwd -l root

# SSH host keys are regenerated at first boot (firstboot.sh).
rm -f /etc/ssh/ssh_host_*

# The build user and cloud-init's record of the build, when the Packer build created them.
if id packer >/dev/null 2>&1; then userdel -r packer || true; fi
rm -f /etc/sudoers.d/90-cloud-init-users
if command -v cloud-init >/dev/null 2>&1; then cloud-init clean --logs || true; fi

# Nothing of the appliance's own state: its data folder starts empty, so the first start shows
# the setup wizard and generates the secrets and certificate of this installation.
find /var/lib/iamanager/data /var/lib/iamanager/secrets -mindepth 1 -delete
rm -f /var/lib/iamanager/.firstboot-done

# systemd-resolved manages DNS from first boot on.
ln -sf /run/systemd/resolve/stub-resolv.conf /etc/resolv.conf

apt-get clean
rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*
find /var/log -type f -exec truncate -s 0 {} +
