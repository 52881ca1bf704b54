#!/usr/bin/env bash
# sqcreate_ab.sh ROUNDS N A B — a fresh SQLite database per run, N creates at c=8 (after 2,000
# to warm up); server CPU per create (schedstat of its threads), alternating A and B
set -u
rounds=$1; n=$2; a=$3; b=$4
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
BENCH=/work/main/target/release/gatehouse-bench
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then bin=$a; else bin=$b; fi
    rm -f /work/data/sq.db*
    url="sqlite:///work/data/sq.db"
    $bin migrate --database-url "$url" >/dev/null
    tok=$($bin directory create bench --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    printf 'TOKEN=%s\nURL="%s"\n' "$tok" "$url" > /work/data/sq.env
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" sq >/dev/null
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    $BENCH --base http://127.0.0.1:18080/scim/v2 --token "$tok" --no-ceiling --scenario create --users 2000 >/dev/null 2>&1
    before=$(cpu_ns $pid)
    $BENCH --base http://127.0.0.1:18080/scim/v2 --token "$tok" --no-ceiling --scenario create --first 1000000 --users $n --out /work/data/ab/sq.json >/dev/null 2>&1
    after=$(cpu_ns $pid)
    python3 - /work/data/ab/sq.json $before $after $v $r <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; cpu=(int(sys.argv[3])-int(sys.argv[2]))/1e3/n
print(f"{sys.argv[4]} r{sys.argv[5]} {s['req_per_s']:7.0f}/s p50 {s['p50_ms']:.2f} p99 {s['p99_ms']:.2f} err {s['errors']} server {cpu:6.1f} us/create")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
