#!/usr/bin/env bash
# cpusplit.sh BIN ENV -- ARGS...: a fresh server, 20,000 lookups, then gatehouse-bench with ARGS
# (e.g. --scenario resync --users 300000 --groups 1000): CPU of the server and of every postgres
# process per request of the run
bin=$1; env=$2; shift 3
bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $env >/dev/null
. /work/data/$env.env
pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
pgs() { pgrep -x postgres | tr '\n' ' '; }
/work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling --scenario lookup --users 20000 --out /work/data/ab/warm.json >/dev/null 2>&1
b1=$(cpu_ns $pid); p1=$(cpu_ns $(pgs)); t1=$(date +%s.%N)
/work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling "$@" --out /work/data/ab/split.json >/dev/null 2>/work/data/split.err
b2=$(cpu_ns $pid); p2=$(cpu_ns $(pgs)); t2=$(date +%s.%N)
python3 - /work/data/ab/split.json $b1 $b2 $p1 $p2 $t1 $t2 <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; a=(int(sys.argv[3])-int(sys.argv[2]))/1e3/n; p=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
w=float(sys.argv[7])-float(sys.argv[6])
ops=" ".join(f"{k} {o['p50_ms']:.2f}/{o['p99_ms']:.1f} n{o['requests']}" for k,o in s["operations"].items())
print(f"{s['scenario']} {s['req_per_s']:7.0f}/s {s['seconds']}s gatehouse {a:6.1f} us/req postgres {p:6.1f} us/req (wall {w:.0f}s) | {ops}")
PY
