#!/usr/bin/env bash
# run.sh BIN DB OUT : one server, three lookup runs of 50k at c=8
set -eu
bin=$1; db=$2; out=$3
token=$(python3 -c "import json;print(json.load(open('/tmp/ab/dir.json'))['token'])")
RUST_LOG=warn,gatehouse=info "$bin" serve --listen 127.0.0.1:0 --database-url "sqlite://$db" > /tmp/ab/serve.log 2>&1 &
pid=$!
for i in $(seq 1 200); do addr=$(grep -o 'listening on http://[0-9.:]*' /tmp/ab/serve.log | head -1 | sed 's|listening on http://||') || true; [ -n "$addr" ] && break; sleep 0.2; done
for r in 1 2 3; do
  /work/main/target/release/gatehouse-bench --base "http://$addr/scim/v2" --token "$token" --concurrency 8 --scenario lookup --users 1000000 --lookups 50000 --out "$out-$r.json" 2>&1 | grep -E "^lookup" || true
done
kill $pid; wait $pid 2>/dev/null || true
