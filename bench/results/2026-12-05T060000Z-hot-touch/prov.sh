#!/usr/bin/env bash
# prov.sh ROUNDS BIN...: the provision scenario (gatehouse-bench, 8 clients, 5,000 users) on a fresh
# PostgreSQL schema per binary and round.
rounds=$1; shift
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
for r in $(seq 1 $rounds); do for bin in "$@"; do
  name=$(basename $bin); schema="pv_${name//-/_}_$r"
  psql -q postgres://postgres@127.0.0.1:5432/test -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
  url="postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3D$schema"
  $bin migrate --database-url "$url" > /dev/null
  token=$($bin directory create prov --database-url "$url" --json | field token)
  printf 'TOKEN=%s\nURL=%s\n' "$token" "$url" > /work/data/pv.env
  /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin pv > /dev/null
  /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$token" --concurrency 8 --scenario provision --users 5000 --groups 50 --members 100 --no-ceiling --out /tmp/prov.json > /dev/null 2>&1
  python3 -c "
import json
for s in json.load(open('/tmp/prov.json'))['scenarios']:
    print('round $r $name', s['scenario'], f\"{s['req_per_s']:.0f}/s p50 {s['p50_ms']} p99 {s['p99_ms']} errors {s['errors']}\", {k: (v['req_per_s'], v['p99_ms']) for k, v in s['operations'].items()})"
  pkill -f 'serve --listen 127.0.0.1:18080'
  while pgrep -f 'serve --listen 127.0.0.1:18080' > /dev/null; do sleep 0.2; done
  psql -q postgres://postgres@127.0.0.1:5432/test -c "DROP SCHEMA $schema CASCADE" 2>/dev/null
done; done
