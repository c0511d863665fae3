#!/bin/sh
# `appliance …` for the IT person: runs the appliance CLI as the service user with the service's
# configuration, so it works on the same DATA_DIR (through the running server when it runs).
set -a
. /etc/iamanager/appliance.env
set +a
export DATA_DIR=/var/lib/iamanager/data BACKUP_DIR=/var/lib/iamanager/backups SECRET_KEY_FILE=/var/lib/iamanager/secrets/secret-key BACKUP_PASSPHRASE_FILE=/var/lib/iamanager/secrets/backup-passphrase
cd /opt/iamanager/app
exec sudo -E -u iamanager /opt/iamanager/node/bin/node appliance/dist/main.js "$@"
