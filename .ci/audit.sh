#!/usr/bin/env bash
# Fails on high or critical advisories in production dependencies. The registry reachable from
# this workplace does not serve the advisory endpoint (it answers 405); that is reported loudly
# rather than silently passed or turned into a failure that says nothing about our dependencies.
set -uo pipefail
out=$(npm audit --omit=dev --audit-level=high --json 2>/dev/null)
status=$?
if echo "$out" | grep -q '"statusCode": *405\|advisories/bulk'; then
  echo "npm audit: the advisory endpoint is not reachable from here (registry answered 405); not checked in this run"
  exit 0
fi
if [ $status -ne 0 ]; then
  echo "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const r=JSON.parse(s);console.error("npm audit: high/critical advisories in production dependencies:",JSON.stringify(r.metadata?.vulnerabilities??r,null,1))}catch{console.error(s)}})'
  exit 1
fi
echo "npm audit: no high or critical advisories in production dependencies"
