#!/usr/bin/env bash
# ceil_effect.sh DB ROUNDS: one server (10,000 users), then ROUNDS times, for a
# ceiling of 20,000, of 200,000 and none before it, 20,000 lookups at c=8.
db=$1; rounds=$2; GH=/work/bin/gh-base
DRIVER=/work/main/target/release/gatehouse-bench
pkill -f "serve --listen 127.0.0.1:18080"; while pgrep -f "serve --listen 127.0.0.1:18080" >/dev/null; do sleep 0.2; done
if [ "$db" = postgres ]; then
  psql -qU postgres -h 127.0.0.1 test -c "SET client_min_messages=warning" -c "DROP SCHEMA IF EXISTS abl CASCADE" -c "CREATE SCHEMA abl"
  U='postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dabl'
else
  rm -f /work/data/abl.db*; U='sqlite:///work/data/abl.db'
fi
$GH migrate --database-url "$U" > /dev/null
T=$($GH directory create bench --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
RUST_LOG=warn $GH serve --listen 127.0.0.1:18080 --database-url "$U" > /work/data/l.log 2>&1 &
for i in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
$DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --no-ceiling --scenario create --users 10000 > /dev/null 2>&1
for r in $(seq 1 $rounds); do
  for c in 20000 200000 0; do
    if [ $c = 0 ]; then flag=--no-ceiling; else flag="--ceiling-requests $c"; fi
    $DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 $flag --scenario lookup --users 10000 --lookups 20000 --out /tmp/ce.json > /dev/null 2>&1
    python3 -c "
import json; d=json.load(open('/tmp/ce.json')); s=[x for x in d['scenarios'] if x['scenario']=='lookup'][0]
print('round $r ceiling $c:', s['req_per_s'], 'lookups/s p99', s['p99_ms'], '; ceiling', d.get('ceiling_req_per_s'))"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
