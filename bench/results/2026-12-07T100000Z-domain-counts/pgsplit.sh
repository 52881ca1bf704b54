#!/usr/bin/env bash
# pgsplit.sh BIN SCENARIO — fresh PG schema, provision or create; CPU split gatehouse vs postgres
set -u
bin=$1; scenario=$2
psql -q postgres://postgres@127.0.0.1:5432/test -c "DROP SCHEMA IF EXISTS pgs CASCADE; CREATE SCHEMA pgs" >/dev/null
url='postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dpgs'
$bin migrate --database-url "$url" >/dev/null
tok=$($bin directory create bench --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
printf 'TOKEN=%s\nURL="%s"\n' "$tok" "$url" > /work/data/pgs.env
bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" pgs >/dev/null
pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
pg_ns() { for p in $(pgrep -x postgres); do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
drive() { /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$tok" --no-ceiling "$@" >/dev/null 2>&1; }
case $scenario in create) drive --scenario create --users 2000;; esac
[ -n "${WARM:-}" ] && /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$tok" --scenario ceiling >/dev/null 2>&1
b1=$(cpu_ns $pid); p1=$(pg_ns)
case $scenario in
  create) drive --scenario create --first 1000000 --users 10000 --out /work/data/ab/pg.json ;;
  provision) drive --scenario provision --users 10000 --groups 100 --members 300 --out /work/data/ab/pg.json ;;
esac
b2=$(cpu_ns $pid); p2=$(pg_ns)
python3 - /work/data/ab/pg.json $b1 $b2 $p1 $p2 <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; a=(int(sys.argv[3])-int(sys.argv[2]))/1e3/n; p=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
ops=" ".join(f"{k} {o['p50_ms']:.2f}/{o['p99_ms']:.1f} n{o['requests']}" for k,o in s["operations"].items())
print(f"{s['scenario']} {s['req_per_s']:7.0f}/s p99 {s['p99_ms']:.1f} err {s['errors']} gatehouse {a:6.1f} us/req postgres {p:6.1f} us/req | {ops}")
PY
