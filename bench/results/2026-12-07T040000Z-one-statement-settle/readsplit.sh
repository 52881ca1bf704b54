#!/usr/bin/env bash
# readsplit.sh BIN ENV OPS REPEATS — idp-reads ops at c=8; CPU of server vs postgres per request
set -u
bin=$1; envname=$2; ops=$3; reps=$4
. /work/data/$envname.env
bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $envname >/dev/null
pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
drive() { /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling --scenario idp-reads --users 1000000 --only "$ops" "$@" 2>/dev/null; }
drive --repeats 50 --out /work/data/rs_warm.json >/dev/null
pg=$(pgrep -f "postgres: 15/main: postgres test" | tr '\n' ' ')
b1=$(cpu_ns $pid); p1=$(cpu_ns $pg)
drive --repeats $reps --out /work/data/rs.json >/dev/null
b2=$(cpu_ns $pid); p2=$(cpu_ns $pg)
python3 - /work/data/rs.json $b1 $b2 $p1 $p2 <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=d["scenarios"][0]
n=s["requests"]; a=(int(sys.argv[3])-int(sys.argv[2]))/1e3/n; p=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
ops=" ".join(f"{k} p50 {o['p50_ms']:.2f} p99 {o['p99_ms']:.1f} n{o['requests']}" for k,o in s["operations"].items())
print(f"{s['req_per_s']:7.0f}/s server {a:6.1f} us/req postgres {p:6.1f} us/req | {ops}")
PY
