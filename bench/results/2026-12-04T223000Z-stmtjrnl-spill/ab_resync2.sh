#!/usr/bin/env bash
# ab_resync2.sh ROUNDS BIN:DB... — resync at 1M, each run on a fresh copy of /work/data/DB.db
set -u
rounds=$1; shift
for r in $(seq 1 $rounds); do
  for pair in "$@"; do
    bin=${pair%%:*}; src=${pair##*:}
    pkill -f "serve --listen 127.0.0.1:18080"; sleep 1
    cp /work/data/$src.db /work/data/s.db; rm -f /work/data/s.db-wal /work/data/s.db-shm
    cd /work/main
    bash bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" s > /dev/null
    . /work/data/s.env
    name=$(basename $bin)-$src
    /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario resync --users 1000000 --groups 1000 --no-ceiling --out /work/prof/ab2-$name-$r.json > /dev/null 2>&1
    python3 -c "
import json;d=json.load(open('/work/prof/ab2-$name-$r.json'))
s=d['scenarios'][0];o=s['operations']
print('$name round $r', s['seconds'], 'errors', s['errors'], 'lookup p50', o['lookup']['p50_ms'], 'patch p50', o['patch_user']['p50_ms'], 'p99', o['patch_user']['p99_ms'])
"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
