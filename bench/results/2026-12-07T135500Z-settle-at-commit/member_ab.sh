#!/usr/bin/env bash
# member_ab.sh ENV ROUNDS — member_ab.py (60 rounds) on a fresh server with 20,000 lookups first,
# base (trigger off) and new (trigger on) alternating which goes first; CPU of server and postgres
# per PATCH.
env=$1; rounds=${2:-3}; here=$(dirname "$0")
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 $rounds); do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for b in $order; do
    [ $b = base ] && bash $here/trigger.sh $env off 2>/dev/null || bash $here/trigger.sh $env on
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh /work/bin/$b/gatehouse $env >/dev/null
    . /work/data/$env.env; pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling --scenario lookup --users 20000 --out /work/data/ab/warm.json >/dev/null 2>&1
    s1=$(cpu_ns $pid); p1=$(cpu_ns $(pgrep -x postgres))
    out=$(python3 $here/member_ab.py $TOKEN 60)
    s2=$(cpu_ns $pid); p2=$(cpu_ns $(pgrep -x postgres))
    echo "$b r$r $out | server $(( (s2-s1)/1000/130 )) us postgres $(( (p2-p1)/1000/130 )) us a PATCH"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
