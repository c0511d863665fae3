#!/usr/bin/env bash
# `npm run test:docker`: proves the Docker path by building both images and running them.
#   1. builds the local base image (Debian 12 + Node.js 24: tests/docker/base-image.sh, cached);
#   2. builds docker/Dockerfile's two targets with buildah, unchanged apart from NODE_IMAGE;
#   3. checks each image as its compose file runs it: user 1000:1000, entrypoint and command, the
#      health check command exiting 0, a read-only root with only /data, /backups (appliance) and
#      a /tmp tmpfs writable (tests/docker/run-in-image.sh);
#   4. starts the control plane and the appliance on the host's loopback, enrolls the appliance
#      with a code from the control plane, checks /healthz, the setup wizard, one heartbeat
#      arriving, and that a restart keeps /data;
#   5. prints each step with its time, and removes the containers, processes and folders it made.
# Needs root and: buildah debootstrap curl (util-linux: unshare, setpriv). Installs nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/docker"
work="$root/.docker-work"
START_TIMEOUT=${START_TIMEOUT:-180}
started=$(date +%s)
step() { echo "[docker-test +$(( $(date +%s) - started ))s] $*"; }
fail() { echo "[docker-test +$(( $(date +%s) - started ))s] FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "the Docker test needs root (buildah --isolation chroot, mounts)"
for tool in buildah debootstrap curl unshare setpriv; do
  command -v "$tool" >/dev/null || fail "missing $tool: apt-get install buildah debootstrap curl util-linux"
done
mkdir -p "$work"
run=$(mktemp -d "$work/run.XXXXXX")
containers=()
services=()
cleanup() {
  set +e
  for pid in "${services[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for ctr in "${containers[@]}"; do buildah umount "$ctr" >/dev/null 2>&1; buildah rm "$ctr" >/dev/null 2>&1; done
  rm -rf "$run"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# One field of an image's configuration (Docker format), one array element per line.
config_field() { node -e 'const v = JSON.parse(process.argv[1])[process.argv[2]]; for (const x of [].concat(v ?? [])) console.log(typeof x === "string" ? x : JSON.stringify(x))' "$1" "$2"; }
# Waits for a URL to answer 2xx, up to START_TIMEOUT seconds, while the service's process lives.
wait_healthy() {
  local url=$1 pid=$2 log=$3 deadline=$(( $(date +%s) + START_TIMEOUT ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || { tail -40 "$log" >&2; fail "the service exited before answering $url"; }
    curl -fsS -m 5 "$url" -o "$run/healthz.json" 2>/dev/null && return 0
    sleep 1
  done
  tail -40 "$log" >&2; fail "$url did not answer within ${START_TIMEOUT}s"
}

# --- 1. the base image ------------------------------------------------------------------------
t=$(date +%s)
step "building the local Node.js 24 base image (cached after the first run)"
base=$(bash "$here/base-image.sh")
step "base image $base ready in $(( $(date +%s) - t ))s"

# --- 2. the two images, from the Dockerfile as a vendor builds it -----------------------------
declare -A image
for target in control-plane appliance; do
  t=$(date +%s)
  image[$target]="localhost/iamanager-test/$target:test"
  step "buildah build -f docker/Dockerfile --target $target --build-arg NODE_IMAGE=$base"
  buildah build --isolation chroot --layers --force-rm --format docker --pull=false \
    --build-arg NODE_IMAGE="$base" -f "$root/docker/Dockerfile" --target "$target" \
    -t "${image[$target]}" "$root" > "$work/build-$target.log" 2>&1 \
    || { tail -30 "$work/build-$target.log" >&2; fail "building the $target image (full log: .docker-work/build-$target.log)"; }
  step "built ${image[$target]} in $(( $(date +%s) - t ))s"
done

# --- 3 and 4. each image as its compose file runs it ------------------------------------------
# Prepares one image: its container's root file system, its configuration checked against the
# compose file, and the command line to run the service. Sets: rootfs env_args service_cmd health_cmd.
prepare() {
  local target=$1 compose="$root/docker/$1/compose.yaml" cfg ctr user uid_gid
  cfg=$(buildah inspect --type image "${image[$target]}" | node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8")).Docker.config))')
  ctr=$(buildah from --pull-never "${image[$target]}"); containers+=("$ctr")
  rootfs=$(buildah mount "$ctr")
  user=$(config_field "$cfg" User)
  uid_gid=$(awk -F: -v u="$user" '$1 == u { print $3 ":" $4 }' "$rootfs/etc/passwd")
  grep -q "user: \"$uid_gid\"" "$compose" || fail "$target: the image's USER $user is $uid_gid, not the compose file's user"
  [ "$uid_gid" != "0:0" ] || fail "$target runs as root"
  mapfile -t entrypoint < <(config_field "$cfg" Entrypoint)
  mapfile -t cmd < <(config_field "$cfg" Cmd)
  [ "${entrypoint[*]} ${cmd[*]}" = "node $target/dist/main.js serve" ] || fail "$target: entrypoint and command are '${entrypoint[*]}' '${cmd[*]}'"
  config_field "$cfg" Volumes | grep -q '"/data"' || fail "$target: no /data volume"
  mapfile -t health_cmd < <(node -e 'const h = JSON.parse(process.argv[1]).Healthcheck; if (!h || h.Test[0] !== "CMD") process.exit(1); for (const x of h.Test.slice(1)) console.log(x)' "$cfg") \
    || fail "$target: no HEALTHCHECK CMD in the image"
  [ ${#health_cmd[@]} -gt 0 ] || fail "$target: empty HEALTHCHECK"
  mapfile -t env_args < <(config_field "$cfg" Env)
  workdir=$(config_field "$cfg" WorkingDir)
  service_user=$uid_gid
  service_cmd=("${entrypoint[@]}" "${cmd[@]}")
  # An engine creates the mount points of the compose file's volumes in the container's layer.
  mkdir -p "$rootfs/data" "$rootfs/backups"
  step "$target: user $user ($uid_gid), entrypoint '${entrypoint[*]}', command '${cmd[*]}', health check '${health_cmd[*]}'"
}
in_image() { # ROOTFS DATA BACKUPS ENV... -- COMMAND...: runs in the image as the service runs
  local r=$1 d=$2 b=$3; shift 3
  "$here/run-in-image.sh" "$r" "$service_user" "$workdir" "$d" "$b" -- "$@"
}
# Starts the service in its own session (so cleanup can stop the whole tree); sets $service_pid.
start_service() { # NAME ROOTFS DATA BACKUPS ENV...
  local name=$1 r=$2 d=$3 b=$4; shift 4
  setsid "$here/run-in-image.sh" "$r" "$service_user" "$workdir" "$d" "$b" -- "$@" -- "${service_cmd[@]}" >> "$run/$name.log" 2>&1 &
  service_pid=$!; services+=("$service_pid")
}
stop_service() {
  kill -TERM -- "-$1"; wait "$1" 2>/dev/null || true
  services=("${services[@]/$1}")
}
check_service() { # NAME ROOTFS DATA BACKUPS PORT EXPECTED_WRITABLE ENV...
  local name=$1 r=$2 d=$3 b=$4 port=$5 writable=$6; shift 6
  local uid
  uid=$(ps -eo sid=,uid=,args= | awk -v s="$service_pid" -v c="${service_cmd[*]}" '{ a = $0; sub(/^ *[0-9]+ +[0-9]+ +/, "", a) } $1 == s && a == c { print $2 }')
  [ "$uid" = "${service_user%%:*}" ] || fail "$name: the service's node process runs as uid '$uid'"
  in_image "$r" "$d" "$b" "$@" PORT="$port" -- "${health_cmd[@]}" || fail "$name: the image's health check command failed"
  local seen
  seen=$(in_image "$r" "$d" "$b" -- /bin/sh -c 'for d in / /app /etc /usr /usr/local/bin /var /root /home/node /run /data /backups /tmp; do if touch "$d/.write-probe" 2>/dev/null; then rm -f "$d/.write-probe"; echo "$d"; fi; done' | tr '\n' ' ')
  [ "$seen" = "$writable " ] || fail "$name: writable places are '$seen', expected '$writable'"
  step "$name: runs as uid $uid, health check command exits 0, read-only root (writable: $writable)"
}

mkdir -p "$run/cp-data" "$run/app-data" "$run/app-backups"
chown 1000:1000 "$run/cp-data" "$run/app-data" "$run/app-backups"

# The control plane.
prepare control-plane
cp_root=$rootfs cp_env=("${env_args[@]}") cp_user=$service_user cp_workdir=$workdir cp_cmd=("${service_cmd[@]}") cp_health=("${health_cmd[@]}")
cp_port=$(free_port)
cp_vars=(PUBLIC_URL="http://127.0.0.1:$cp_port" CONTROL_PLANE_ISSUER=iamanager-control-plane DATA_DIR=/data PORT="$cp_port" LOG_LEVEL=info)
t=$(date +%s)
step "starting the control plane on 127.0.0.1:$cp_port (read-only root, /data and /tmp writable)"
start_service control-plane "$cp_root" "$run/cp-data" - "${cp_env[@]}" "${cp_vars[@]}"
cp_pid=$service_pid
wait_healthy "http://127.0.0.1:$cp_port/healthz" "$cp_pid" "$run/control-plane.log"
step "control plane /healthz answered in $(( $(date +%s) - t ))s: $(cat "$run/healthz.json")"
check_service control-plane "$cp_root" "$run/cp-data" - "$cp_port" "/data /tmp" "${cp_env[@]}" "${cp_vars[@]}"

# The appliance.
prepare appliance
app_root=$rootfs app_env=("${env_args[@]}")
http_port=$(free_port); https_port=$(free_port)
app_vars=(CLIENT_ID=dupont CLIENT_NAME="Cabinet Dupont" CONTROL_PLANE_URL="http://127.0.0.1:$cp_port" DATA_DIR=/data
  PORT="$http_port" TLS_PORT="$https_port" TLS_PUBLIC_PORT="$https_port" BACKUP_DIR=/backups BACKUP_TIME=off TZ=Europe/Paris)
t=$(date +%s)
step "starting the appliance on 127.0.0.1:$http_port (https $https_port; read-only root, /data /backups /tmp writable)"
start_service appliance "$app_root" "$run/app-data" "$run/app-backups" "${app_env[@]}" "${app_vars[@]}"
app_pid=$service_pid
wait_healthy "http://127.0.0.1:$http_port/healthz" "$app_pid" "$run/appliance.log"
step "appliance /healthz answered in $(( $(date +%s) - t ))s: $(cat "$run/healthz.json")"
check_service appliance "$app_root" "$run/app-data" "$run/app-backups" "$http_port" "/data /backups /tmp" "${app_env[@]}" "${app_vars[@]}"

# The setup wizard, asked for as a browser asks (curl's */* gets the API's JSON answer).
page=$(curl -ksSL -m 20 -H 'Accept: text/html,application/xhtml+xml' "https://127.0.0.1:$https_port/")
echo "$page" | grep -q 'action="/setup/enroll"' || { echo "$page" | head -40; fail "the home page is not the setup wizard's enrollment step"; }
step "the setup wizard is shown"

# Enrollment, with a code from the control plane's own CLI, run in its image.
created=$(service_user=$cp_user workdir=$cp_workdir in_image "$cp_root" "$run/cp-data" - "${cp_env[@]}" "${cp_vars[@]}" -- \
  "${cp_cmd[@]:0:2}" cabinet create --id dupont --name "Cabinet Dupont" --plan professional --json) \
  || fail "control-plane cabinet create: $created"
code=$(node -e 'console.log(JSON.parse(process.argv[1]).enrollmentCode)' "$created")
step "cabinet dupont created on the control plane; enrolling the appliance with its code"
in_image "$app_root" "$run/app-data" "$run/app-backups" "${app_env[@]}" "${app_vars[@]}" -- \
  node appliance/dist/main.js enroll --code "$code" > "$run/enroll.log" 2>&1 || { cat "$run/enroll.log" >&2; fail "appliance enroll"; }
license=$(in_image "$app_root" "$run/app-data" "$run/app-backups" "${app_env[@]}" "${app_vars[@]}" -- node appliance/dist/main.js license show --json)
echo "$license" | grep -q '"enrolled": true' || { echo "$license"; fail "the appliance is not enrolled"; }
appliance_id=$(node -e 'const l = JSON.parse(process.argv[1]); console.log(l.applianceId ?? l.license?.applianceId ?? "")' "$license")
step "the appliance is enrolled${appliance_id:+ as $appliance_id}"

# One heartbeat arriving: the control plane's own counter (/metrics is open without METRICS_TOKEN).
deadline=$(( $(date +%s) + START_TIMEOUT )); beats=0
while [ "$(date +%s)" -lt "$deadline" ]; do
  beats=$(curl -fsS -m 5 "http://127.0.0.1:$cp_port/metrics" | awk '$1 == "controlplane_heartbeats_accepted_total" { print int($2) }')
  [ "${beats:-0}" -ge 1 ] && break
  sleep 1
done
[ "${beats:-0}" -ge 1 ] || fail "no heartbeat reached the control plane within ${START_TIMEOUT}s"
step "the control plane accepted $beats heartbeat(s) from the appliance"

# A restart keeps /data: same enrollment after the process (and its mount namespace) is gone.
stop_service "$app_pid"
t=$(date +%s)
start_service appliance "$app_root" "$run/app-data" "$run/app-backups" "${app_env[@]}" "${app_vars[@]}"
app_pid=$service_pid
wait_healthy "http://127.0.0.1:$http_port/healthz" "$app_pid" "$run/appliance.log"
after=$(in_image "$app_root" "$run/app-data" "$run/app-backups" "${app_env[@]}" "${app_vars[@]}" -- node appliance/dist/main.js license show --json)
echo "$after" | grep -q '"enrolled": true' || { echo "$after"; fail "the appliance lost its enrollment across a restart"; }
[ -z "$appliance_id" ] || echo "$after" | grep -q "$appliance_id" || fail "the appliance id changed across a restart"
step "restarted in $(( $(date +%s) - t ))s: still enrolled${appliance_id:+ as $appliance_id}, /data kept"

step "docker test passed in $(( $(date +%s) - started ))s"
