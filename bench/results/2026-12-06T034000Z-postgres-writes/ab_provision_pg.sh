#!/usr/bin/env bash
# ab_provision_pg.sh ROUNDS BIN...: each round, each binary in turn on a
# fresh PostgreSQL schema (test.abp) on port 18080: gatehouse-bench's
# provision scenario (10k users, 100 groups x 300 members, c=8, as
# compare.sh runs it); req/s, p50/p99, and CPU a request of the server and
# of PostgreSQL's processes (all of them, from /proc).
set -u
rounds="$1"; shift
pgcpu() { # "pid ticks" of every postgres process
  for p in $(pgrep -x postgres); do awk -v p=$p '{print p, $14+$15}' /proc/$p/stat 2>/dev/null; done
}
for round in $(seq 1 "$rounds"); do
  for GH in "$@"; do
    pkill -f "serve --listen 127.0.0.1:18080"
    while pgrep -f "serve --listen 127.0.0.1:18080" > /dev/null; do sleep 0.2; done
    psql -qU postgres -h 127.0.0.1 test -c "DROP SCHEMA IF EXISTS abp CASCADE" -c "CREATE SCHEMA abp" 2>/dev/null
    U='postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dabp'
    "$GH" migrate --database-url "$U" > /dev/null
    T=$("$GH" directory create bench --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    A=$("$GH" admin-token create --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    RUST_LOG=warn "$GH" serve --listen 127.0.0.1:18080 --database-url "$U" > /work/data/p.log 2>&1 &
    for i in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
    SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
    pgcpu > /tmp/pg0
    c0=$(awk '{print $14+$15}' /proc/$SP/stat)
    /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $T --admin-base http://127.0.0.1:18080/admin/v1 --admin-token $A \
      --concurrency 8 --scenario provision --users 10000 --groups 100 --members 300 --out /tmp/abp.json > /dev/null 2>&1
    c1=$(awk '{print $14+$15}' /proc/$SP/stat)
    pgcpu > /tmp/pg1
    python3 - "$round" "$GH" "$c0" "$c1" <<'PY'
import json, sys
d = json.load(open('/tmp/abp.json'))
s = [s for s in d['scenarios'] if s['scenario'] == 'provision'][0]
ops = s['operations']
n = s['requests']
cpu = (int(sys.argv[4]) - int(sys.argv[3])) * 10000 / n
before = dict(l.split() for l in open('/tmp/pg0'))
pg = sum(int(t) - int(before.get(p, 0)) for p, t in (l.split() for l in open('/tmp/pg1')))
print(f"round {sys.argv[1]} {sys.argv[2].split('/')[-1]}: {s['req_per_s']} req/s p50 {s['p50_ms']} p99 {s['p99_ms']} ms, server {cpu:.0f} us/req, postgres {pg*10000/n:.0f} us/req; "
      f"create p50/p99 {ops['create_user']['p50_ms']}/{ops['create_user']['p99_ms']}, lookup p50 {ops['lookup']['p50_ms']}, add_members {ops['add_members']['p50_ms']}/{ops['add_members']['p99_ms']}")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
