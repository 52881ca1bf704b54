#!/usr/bin/env bash
# reads_ab.sh ENV ROUNDS A B — per binary (fresh server, order alternated each round): 300 warm-up
# pages, then per op (familyName/department/active false pages, userName lookups) the server's CPU a request
# (threads' schedstat) and the driver's p50/p99.
set -u
envname=$1; rounds=$2; a=$3; b=$4
. /work/data/$envname.env
D=/work/bin/base/gatehouse-bench
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
run() { # label bin
  bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$2" "$envname" >/dev/null
  pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
  $D --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 --no-ceiling --scenario idp-reads --users 1000000 --repeats 300 --only eq_familyName,eq_department --out /tmp/w.json >/dev/null 2>&1
  line="$1"
  for op in eq_familyName eq_department eq_active_false; do
    s=$(cpu_ns $pid)
    $D --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 --no-ceiling --scenario idp-reads --users 1000000 --repeats 1500 --only $op --out /tmp/o.json >/dev/null 2>&1
    e=$(cpu_ns $pid)
    line="$line $(python3 -c "
import json; d=json.load(open('/tmp/o.json')); o=d['scenarios'][0]['operations']['$op']; print(f\"${op#eq_} {($e-$s)/1e3/o['requests']:.0f}us {o['p50_ms']:.2f}/{o['p99_ms']:.2f}\")")"
  done
  s=$(cpu_ns $pid)
  $D --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 --no-ceiling --scenario lookup --users 1000000 --lookups 40000 --out /tmp/o.json >/dev/null 2>&1
  e=$(cpu_ns $pid)
  line="$line $(python3 -c "
import json; d=json.load(open('/tmp/o.json')); o=d['scenarios'][0]; print(f\"lookup {($e-$s)/1e3/o['requests']:.1f}us {o['req_per_s']:.0f}/s {o['p99_ms']:.2f}\")")"
  echo "$line"
}
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then run "A r$r" "$a"; run "B r$r" "$b"; else run "B r$r" "$b"; run "A r$r" "$a"; fi
done
