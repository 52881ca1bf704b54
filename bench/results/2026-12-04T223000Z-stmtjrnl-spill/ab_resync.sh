#!/usr/bin/env bash
# ab_resync.sh ROUNDS BIN... — resync at 1M on a fresh copy of s0.db per run
set -u
rounds=$1; shift
for r in $(seq 1 $rounds); do
  for bin in "$@"; do
    pkill -f "serve --listen 127.0.0.1:18080"; sleep 1
    cp /work/data/s0.db /work/data/s.db; rm -f /work/data/s.db-wal /work/data/s.db-shm
    cd /work/main
    bash bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" s > /dev/null
    . /work/data/s.env
    name=$(basename $bin)
    /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario resync --users 1000000 --groups 1000 --no-ceiling --out /work/prof/ab-$name-$r.json > /dev/null 2>&1
    python3 -c "
import json;d=json.load(open('/work/prof/ab-$name-$r.json'))
s=d['scenarios'][0];o=s['operations']
print('$name round $r', s['seconds'], 'lookup p50', o['lookup']['p50_ms'], 'patch p50', o['patch_user']['p50_ms'], 'p99', o['patch_user']['p99_ms'])
"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
