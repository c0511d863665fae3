#!/usr/bin/env bash
# First boot of an installed appliance image. Secrets are generated here, never shipped.
set -eu

umask 077
# SSH host keys for this machine (sysprep removed the build's).
ssh-keygen -A

# The app's secret key (session signing). The app would generate one itself; doing it here keeps
# it outside the data folder's backups and under a path the unit file names.
secret=/var/lib/iamanager/secrets/secret-key
if [ ! -s "$secret" ]; then
  head -c 48 /dev/urandom | base64 > "$secret"
  chown iamanager:iamanager "$secret"
  chmod 0600 "$secret"
fi

# The backup passphrase is the IT person's to choose: an empty file until then (backups off, as
# `appliance doctor` and the admin page say), so the service starts either way.
passphrase=/var/lib/iamanager/secrets/backup-passphrase
if [ ! -e "$passphrase" ]; then
  : > "$passphrase"
  chown iamanager:iamanager "$passphrase"
  chmod 0600 "$passphrase"
fi

# The console administrator gets a random password, shown once on the console, to be changed at
# first login. The HTTPS certificate and the app's keys are created by the app on its first start.
if passwd -S iamanager-admin | grep -q ' L '; then
  password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-12)
  echo "iamanager-admin:$password" | chpasswd
  chage -d 0 iamanager-admin
  install -d /etc/issue.d
  cat > /etc/issue.d/iamanager.issue <<MSG

  IAManager appliance - first boot
  Console login: iamanager-admin / $password (you will be asked to change it)
  Then open http://\4/ from a browser on the cabinet's network to run the setup wizard.

MSG
fi

touch /var/lib/iamanager/.firstboot-done
