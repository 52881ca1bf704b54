#!/usr/bin/env bash
# lookup_ab.sh ENV ROUNDS LOOKUPS BIN... — floor 8's `--scenario lookup` (c=8,
# 1M users) on a fresh server per binary per round, binaries alternating;
# CPU of the server's threads and of the test database's backends per lookup.
set -u
envname=$1; rounds=$2; lookups=$3; shift 3
. /work/data/$envname.env
serve=/work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
drive() { /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling --concurrency 8 --scenario lookup --users 1000000 --lookups "$1" --out "$2" >/dev/null 2>&1; }
for r in $(seq 1 "$rounds"); do
  for bin in "$@"; do
    bash $serve "$bin" "$envname" >/dev/null
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    drive 5000 /work/data/la_warm.json
    pg=$(pgrep -f "postgres: 15/main: postgres test" | tr '\n' ' ')
    b1=$(cpu_ns $pid); p1=$(cpu_ns $pg)
    drive "$lookups" /work/data/la.json
    b2=$(cpu_ns $pid); p2=$(cpu_ns $pg)
    python3 - /work/data/la.json $b1 $b2 $p1 $p2 "$(basename $bin)" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=d["scenarios"][0]
n=s["requests"]; a=(int(sys.argv[3])-int(sys.argv[2]))/1e3/n; p=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
print(f"{sys.argv[6]:5} {s['req_per_s']:7.0f}/s p50 {s['p50_ms']:.2f} p99 {s['p99_ms']:.2f} ms | server {a:6.1f} us postgres {p:6.1f} us a lookup (n {n}, errors {s['errors']})")
PY
  done
done
