#!/usr/bin/env bash
# lookup_ab.sh DB ROUNDS BIN...: per binary, a fresh database (sqlite, or postgres:
# schema test.abl), 10,000 users created, then ROUNDS times the ceiling and 20,000
# userName lookups at c=8; CPU a lookup of the server, the driver and PostgreSQL.
set -u
db="$1"; rounds="$2"; shift 2
DRIVER=/work/main/target/release/gatehouse-bench
for GH in "$@"; do
    pkill -f "serve --listen 127.0.0.1:18080"
    while pgrep -f "serve --listen 127.0.0.1:18080" > /dev/null; do sleep 0.2; done
    if [ "$db" = postgres ]; then
      psql -qU postgres -h 127.0.0.1 test -c "DROP SCHEMA IF EXISTS abl CASCADE" -c "CREATE SCHEMA abl" 2>/dev/null
      U='postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dabl'
    else
      rm -f /work/data/abl.db*; U='sqlite:///work/data/abl.db'
    fi
    "$GH" migrate --database-url "$U" > /dev/null
    T=$("$GH" directory create bench --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    RUST_LOG=warn "$GH" serve --listen 127.0.0.1:18080 --database-url "$U" > /work/data/l.log 2>&1 &
    for i in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
    SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
    $DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --no-ceiling --scenario create --users 10000 > /dev/null 2>&1
    for round in $(seq 1 "$rounds"); do
    $DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --scenario ceiling --out /tmp/abl-ceiling.json > /dev/null 2>&1
    for p in $(pgrep -x postgres); do awk -v p=$p '{print p, $14+$15}' /proc/$p/stat 2>/dev/null; done > /tmp/pg0
    c0=$(awk '{print $14+$15}' /proc/$SP/stat)
    /usr/bin/time -f "%U %S" -o /tmp/abl.time $DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --no-ceiling --scenario lookup --users 10000 --lookups 20000 --out /tmp/abl.json > /dev/null 2>&1
    c1=$(awk '{print $14+$15}' /proc/$SP/stat)
    for p in $(pgrep -x postgres); do awk -v p=$p '{print p, $14+$15}' /proc/$p/stat 2>/dev/null; done > /tmp/pg1
    python3 - "$round" "$GH" "$c0" "$c1" "$db" <<'PY'
import json, sys
c = json.load(open('/tmp/abl-ceiling.json'))['ceiling_req_per_s']
s = json.load(open('/tmp/abl.json'))['scenarios'][0]
n = s['requests']
cpu = (int(sys.argv[4]) - int(sys.argv[3])) * 10000 / n
u, sy = map(float, open('/tmp/abl.time').read().split()[-2:])
before = dict(l.split() for l in open("/tmp/pg0"))
pg = sum(int(t) - int(before.get(p, 0)) for p, t in (l.split() for l in open("/tmp/pg1"))) * 10000 / n
print(f"round {sys.argv[1]} {sys.argv[5]} {sys.argv[2].split('/')[-1]}: lookup {s['req_per_s']} req/s ({s['errors']} err) p50 {s['p50_ms']} p99 {s['p99_ms']} ms = {s['req_per_s']/c*100:.1f}% of {c:.0f}; server {cpu:.0f} us, driver {(u+sy)*1e6/n:.0f} us, postgres {pg:.0f} us a lookup")
PY
    done
done
pkill -f "serve --listen 127.0.0.1:18080"
