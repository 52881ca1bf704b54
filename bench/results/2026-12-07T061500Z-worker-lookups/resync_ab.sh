#!/usr/bin/env bash
# resync_ab.sh ENV USERS BIN... — the `resync` scenario over the first USERS users of a 1M
# dataset (c=8), a fresh server per binary, in the order given; per operation p50/p99 and
# the server's and the test database's backends' CPU per request.
set -u
envname=$1; users=$2; shift 2
. /work/data/$envname.env
serve=/work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
for bin in "$@"; do
  bash $serve "$bin" "$envname" >/dev/null
  pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
  b1=$(cpu_ns $pid); p1=$(cpu_ns $(pgrep -f "postgres: 15/main: postgres test" | tr '\n' ' '))
  /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling --concurrency 8 --scenario resync --users "$users" --groups 1000 --out /work/data/ra.json >/dev/null 2>&1
  b2=$(cpu_ns $pid); p2=$(cpu_ns $(pgrep -f "postgres: 15/main: postgres test" | tr '\n' ' '))
  python3 - /work/data/ra.json $b1 $b2 $p1 $p2 "$(basename $bin)" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=d["scenarios"][0]
n=s["requests"]; a=(int(sys.argv[3])-int(sys.argv[2]))/1e3/n; p=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
ops=" ".join(f"{k} {o['p50_ms']:.2f}/{o['p99_ms']:.1f}" for k,o in s["operations"].items())
print(f"{sys.argv[6]:6} {s['seconds']:6.1f} s {s['req_per_s']:6.0f}/s | server {a:5.0f} us postgres {p:5.0f} us a request (ids walk included) | p50/p99 ms: {ops} | errors {s['errors']}")
PY
done
