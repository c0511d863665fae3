#!/usr/bin/env bash
# Fails on high or critical advisories in production dependencies:
#   npm audit --omit=dev --audit-level=high
# The one case tolerated is a registry that cannot answer audits at all — some mirrors and proxies
# (this workplace's among them) answer the advisory endpoint with 404, 405 or 501. Then the check
# did not happen: this says so loudly, on stderr and in the CI log, and never reports "no
# advisories". Anything else that stops the audit (registry unreachable, bad answer) fails.
set -uo pipefail
cd "$(dirname "$0")/.."

registry="$(npm config get registry)"
registry="${registry%/}"
endpoint="$registry/-/npm/v1/security/advisories/bulk"
# An empty bulk request: a registry that serves audits answers 200 {}; one that does not, 404/405/501.
probe="$(node -e '
  fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json" }, body: "{}", signal: AbortSignal.timeout(30000) })
    .then((r) => console.log(r.status), (e) => console.log("unreachable: " + (e.cause?.code ?? e.message)));
' "$endpoint")"

case "$probe" in
  404|405|501)
    {
      echo "=================================================================================="
      echo "npm audit: NOT CHECKED. The registry as reached from here ($registry) answered $probe"
      echo "to POST /-/npm/v1/security/advisories/bulk: it does not serve security advisories, so"
      echo "the audit could not run and this run makes no claim about production dependencies."
      echo "Run .ci/audit.sh where the registry serves audits (the public npm registry, reached without a proxy)."
      echo "=================================================================================="
    } >&2
    exit 0
    ;;
  200) ;;
  *)
    echo "npm audit: cannot check: the advisory endpoint $endpoint answered: $probe" >&2
    exit 1
    ;;
esac

npm audit --omit=dev --audit-level=high
status=$?
if [ "$status" -ne 0 ]; then
  echo "npm audit: high or critical advisories in production dependencies (or the audit failed): see above; upgrade them (npm install -w <workspace> pkg@fixed) before merging" >&2
  exit 1
fi
echo "npm audit: no high or critical advisories in production dependencies"
