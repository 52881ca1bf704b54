#!/usr/bin/env bash
# ab_idp.sh ENVNAME OUTDIR BIN... — for each binary in turn: serve the
# dataset, let the upkeep settle, run idp-reads (c=8, 50 repeats, import of every user), stop.
set -euo pipefail
cd /work/main
envname="$1"; outdir="$2"; shift 2
. "/work/data/$envname.env"
mkdir -p "$outdir"
DRIVER=./target/release/gatehouse-bench
for bin in "$@"; do
  name="$(basename "$bin")"
  RUST_LOG=warn,gatehouse=info "$bin" serve --listen 127.0.0.1:0 --database-url "$URL" > /tmp/ab_serve.log 2>&1 &
  server=$!
  addr=""
  for _ in $(seq 1 300); do addr="$(grep -o 'listening on http://[0-9.:]*' /tmp/ab_serve.log | head -n1 | sed 's|listening on http://||')" || true; [ -n "$addr" ] && break; sleep 0.1; done
  sleep "${SETTLE:-15}"
  "$DRIVER" --base "http://$addr/scim/v2" --token "$TOKEN" --concurrency 8 --out "$outdir/$envname-$name-idp.json" --scenario idp-reads --users "${USERS:-1000000}" --repeats 50 > /dev/null
  kill "$server"; wait "$server" 2>/dev/null || true
  echo "$name done"
done
