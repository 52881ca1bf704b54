#!/usr/bin/env bash
# ab_create.sh DB ROUNDS BIN...: each round, each binary in turn on a fresh
# database (DB sqlite: a new file; postgres: schema test.abc) on port 18080:
# gatehouse-bench's ceiling then `create` (5,000 users, c=8), then
# `provision` (10k users, 100 groups x 300 members) on the same directory is
# not run; prints req/s, p50/p99, share of the ceiling, and CPU a create of
# the server and of PostgreSQL's processes (from /proc).
set -u
db="$1"; rounds="$2"; shift 2
DRIVER=/work/main/target/release/gatehouse-bench
pgcpu() { for p in $(pgrep -x postgres); do awk -v p=$p '{print p, $14+$15}' /proc/$p/stat 2>/dev/null; done; }
for round in $(seq 1 "$rounds"); do
  for GH in "$@"; do
    pkill -f "serve --listen 127.0.0.1:18080"
    while pgrep -f "serve --listen 127.0.0.1:18080" > /dev/null; do sleep 0.2; done
    if [ "$db" = postgres ]; then
      psql -qU postgres -h 127.0.0.1 test -c "DROP SCHEMA IF EXISTS abc CASCADE" -c "CREATE SCHEMA abc" 2>/dev/null
      U='postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dabc'
    else
      rm -f /work/data/abc.db*; U='sqlite:///work/data/abc.db'
    fi
    "$GH" migrate --database-url "$U" > /dev/null
    T=$("$GH" directory create bench --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    RUST_LOG=warn "$GH" serve --listen 127.0.0.1:18080 --database-url "$U" > /work/data/c.log 2>&1 &
    for i in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
    SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
    # Warm: the first 500 creates (statement caches, the first ANALYZE).
    $DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --no-ceiling --scenario create --first 9000000 --users 500 > /dev/null 2>&1
    $DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --scenario ceiling --out /tmp/abc-ceiling.json > /dev/null 2>&1
    pgcpu > /tmp/pg0; c0=$(awk '{print $14+$15}' /proc/$SP/stat)
    $DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --no-ceiling --scenario create --users 5000 --out /tmp/abc.json > /dev/null 2>&1
    c1=$(awk '{print $14+$15}' /proc/$SP/stat); pgcpu > /tmp/pg1
    python3 - "$round" "$GH" "$c0" "$c1" "$db" <<'PY'
import json, sys
c = json.load(open('/tmp/abc-ceiling.json'))['ceiling_req_per_s']
s = json.load(open('/tmp/abc.json'))['scenarios'][0]
n = s['requests']
cpu = (int(sys.argv[4]) - int(sys.argv[3])) * 10000 / n
before = dict(l.split() for l in open('/tmp/pg0'))
pg = sum(int(t) - int(before.get(p, 0)) for p, t in (l.split() for l in open('/tmp/pg1')))
print(f"round {sys.argv[1]} {sys.argv[5]} {sys.argv[2].split('/')[-1]}: create {s['req_per_s']} req/s ({s['errors']} err) p50 {s['p50_ms']} p99 {s['p99_ms']} ms = {s['req_per_s']/c*100:.1f}% of {c:.0f}; "
      f"server {cpu:.0f} us, postgres {pg*10000/n:.0f} us a create")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
