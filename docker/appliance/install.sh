#!/usr/bin/env bash
# IAManager — installation de l'appliance du cabinet (bundle Docker).
# 1. Vérifications préalables : rien n'est modifié tant qu'une seule échoue.
# 2. Démarrage, attente de l'état « healthy », enrôlement, puis l'adresse et l'empreinte du certificat.
# Relancer ce script est sans risque : ce qui est déjà fait n'est pas refait.
set -euo pipefail
cd "$(dirname "$0")"

[ -f .env ] || { echo "ERREUR : le fichier .env est absent de $(pwd). Il fait partie du bundle envoyé par votre éditeur." >&2; exit 1; }
# Read as KEY=VALUE lines, never run as shell: a cabinet's name has spaces, "&" and accents.
while IFS='=' read -r key value; do
  case "$key" in '' | \#*) continue ;; esac
  export "$key=$value"
done < .env
HTTP_PORT=${HTTP_PORT:-80}
HTTPS_PORT=${HTTPS_PORT:-443}
MIN_RAM_MB=${MIN_RAM_MB:-2048}
MIN_DISK_GB=${MIN_DISK_GB:-10}

failures=0
fail() { echo "  ÉCHEC : $1"; echo "          → $2"; failures=$((failures + 1)); }
ok() { echo "  ok     : $1"; }

echo "== Vérifications préalables (aucune modification) =="

if ! command -v docker >/dev/null 2>&1; then
  fail "Docker n'est pas installé" "installez Docker Engine 20.10 ou plus récent (https://docs.docker.com/engine/install/debian/)"
else
  version=$(docker version --format '{{.Server.Version}}' 2>/dev/null || true)
  if [ -z "$version" ]; then
    fail "Docker ne répond pas pour l'utilisateur $(id -un)" "démarrez Docker (systemctl start docker) et ajoutez cet utilisateur au groupe docker (usermod -aG docker $(id -un)), puis reconnectez-vous"
  elif [ "$(printf '%s\n20.10\n' "${version%%-*}" | sort -V | head -1)" != "20.10" ]; then
    fail "Docker $version est trop ancien" "mettez Docker à jour (20.10 ou plus récent)"
  else
    ok "Docker $version"
  fi
fi

if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose); ok "Docker Compose $(docker compose version --short 2>/dev/null)"
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose); ok "docker-compose $(docker-compose version --short 2>/dev/null)"
else
  COMPOSE=(); fail "Docker Compose est absent" "installez le plugin compose (apt-get install docker-compose-plugin)"
fi

ram_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 ))
if [ "$ram_mb" -lt "$MIN_RAM_MB" ]; then fail "mémoire : ${ram_mb} Mo" "il faut au moins ${MIN_RAM_MB} Mo de RAM"; else ok "mémoire : ${ram_mb} Mo"; fi

disk_gb=$(( $(df -Pk . | awk 'NR==2 {print $4}') / 1024 / 1024 ))
if [ "$disk_gb" -lt "$MIN_DISK_GB" ]; then fail "disque libre : ${disk_gb} Go" "libérez de l'espace : au moins ${MIN_DISK_GB} Go pour les dossiers et leurs pièces"; else ok "disque libre : ${disk_gb} Go"; fi

container="iamanager-${CLIENT_ID:?CLIENT_ID manque dans .env}"
running=$(docker ps --filter "name=^${container}\$" --format '{{.Names}}' 2>/dev/null || true)
for port in "$HTTP_PORT" "$HTTPS_PORT"; do
  if [ -z "$running" ] && (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "le port $port est déjà utilisé" "arrêtez le service qui l'occupe, ou choisissez HTTP_PORT/HTTPS_PORT dans .env"
  else
    ok "port $port disponible"
  fi
done

# The app refuses to start with a passphrase under 16 characters: say so now, not after `up`.
if [ -n "${BACKUP_PASSPHRASE:-}" ] && [ "${#BACKUP_PASSPHRASE}" -lt 16 ]; then
  fail "BACKUP_PASSPHRASE fait ${#BACKUP_PASSPHRASE} caractères" "choisissez une phrase de passe d'au moins 16 caractères dans .env (par exemple quatre ou cinq mots sans rapport)"
elif [ -n "${BACKUP_PASSPHRASE:-}" ]; then
  ok "phrase de passe de sauvegarde définie"
fi

if [ "$failures" -gt 0 ]; then
  echo; echo "$failures vérification(s) en échec : rien n'a été modifié. Corrigez, puis relancez ./install.sh"; exit 1
fi

echo "== Installation =="
mkdir -p "${DATA_PATH:-./data}" "${BACKUP_PATH:-./backups}"
"${COMPOSE[@]}" --env-file .env -f compose.yaml up -d

echo "Attente de l'appliance (état healthy)…"
for _ in $(seq 1 90); do
  health=$(docker inspect --format '{{.State.Health.Status}}' "$container" 2>/dev/null || true)
  [ "$health" = "healthy" ] && break
  sleep 2
done
[ "$health" = "healthy" ] || { echo "L'appliance n'est pas devenue healthy. Journaux : ${COMPOSE[*]} logs appliance" >&2; exit 1; }
ok "appliance en service"

status=$("${COMPOSE[@]}" --env-file .env -f compose.yaml exec -T appliance node appliance/dist/main.js license show --json)
if echo "$status" | grep -q '"enrolled": true'; then
  ok "déjà enrôlée"
else
  "${COMPOSE[@]}" --env-file .env -f compose.yaml exec -T appliance node appliance/dist/main.js enroll --code "${ENROLLMENT_CODE:?ENROLLMENT_CODE manque dans .env}"
  ok "enrôlée auprès de ${CONTROL_PLANE_URL}"
fi

address=$(hostname -I 2>/dev/null | awk '{print $1}')
port_suffix=$([ "$HTTPS_PORT" = 443 ] && echo "" || echo ":$HTTPS_PORT")
fingerprint=$(openssl x509 -in "${DATA_PATH:-./data}/tls/ca.crt" -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2 || true)
echo
echo "L'appliance est prête : https://${address:-<adresse-du-serveur>}${port_suffix}/"
echo "Certificat à installer dans les navigateurs du cabinet : http://${address:-<adresse-du-serveur>}:${HTTP_PORT}/ca.crt"
echo "Empreinte SHA-256 de l'autorité : ${fingerprint:-affichée sur la page de configuration}"
echo "Ouvrez l'adresse ci-dessus pour créer le premier compte administrateur."
if [ -z "${BACKUP_PASSPHRASE:-}" ]; then
  echo
  echo "ATTENTION : BACKUP_PASSPHRASE est vide dans .env : les sauvegardes sont DÉSACTIVÉES."
  echo "Choisissez une phrase de passe (16 caractères au moins), gardez-en une copie hors de ce serveur,"
  echo "puis : ${COMPOSE[*]} --env-file .env -f compose.yaml up -d"
fi
