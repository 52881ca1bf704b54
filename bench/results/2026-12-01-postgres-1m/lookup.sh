#!/usr/bin/env bash
GH=$1; C=${2:-8}
url="postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dpg1m"; TOKEN=$(python3 -c 'import json; print(json.load(open("/tmp/pg1m/dir.json"))["token"])')
$GH serve --listen 127.0.0.1:18081 --database-url "$url" > /tmp/pg1m/serve.log 2>&1 & pid=$!; sleep 1.5
for r in 1 2; do /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18081/scim/v2 --token "$TOKEN" --scenario lookup --users 1000000 --lookups 30000 --concurrency $C 2>&1 >/dev/null; done
kill $pid; wait $pid 2>/dev/null
