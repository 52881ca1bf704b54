#!/usr/bin/env bash
# resync_ab.sh ROUNDS A B — floor 7's resync at 1M on a fresh copy of s1.db per run
set -u
rounds=$1; a=$2; b=$3
. /work/data/s1.env
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then bin=$a; else bin=$b; fi
    rm -f /work/data/r1.db*; cp /work/data/s1.db /work/data/r1.db
    printf 'TOKEN=%s\nURL="sqlite:///work/data/r1.db"\n' $TOKEN > /work/data/r1.env
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin r1 >/dev/null
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    cat /work/data/r1.db > /dev/null
    before=$(cpu_ns $pid)
    out=/work/data/ab/rs-$v-$r.json
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 --scenario resync --users 1000000 --groups 1000 --no-ceiling --out $out >/dev/null 2>&1
    after=$(cpu_ns $pid)
    python3 - "$out" "$v" "$r" "$before" "$after" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; srv=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
ops=" ".join(f"{k} {o['p50_ms']:.2f}/{o['p99_ms']:.1f}" for k,o in s["operations"].items())
print(f"{sys.argv[2]} r{sys.argv[3]} resync {s['seconds']:.1f} s errors {s['errors']} server {srv:6.1f} us/req | {ops}")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
