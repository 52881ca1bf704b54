#!/usr/bin/env bash
# writes_split.sh BIN ENV FIRST N KIND — a fresh server, 20,000 lookups (the reads keep the groups),
# 400 PATCHes to warm up, then writes8.py: CPU of the server and of every postgres process a PATCH
bin=$1; env=$2; first=$3; n=$4; kind=$5
bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $env >/dev/null
. /work/data/$env.env
pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
/work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling --scenario lookup --users 1000000 --lookups 20000 >/dev/null 2>&1
python3 "$(dirname "$0")/writes8.py" http://127.0.0.1:18080 $TOKEN 990000 400 $kind >/dev/null
b1=$(cpu_ns $pid); p1=$(cpu_ns $(pgrep -x postgres))
r=$(python3 "$(dirname "$0")/writes8.py" http://127.0.0.1:18080 $TOKEN $first $n $kind)
b2=$(cpu_ns $pid); p2=$(cpu_ns $(pgrep -x postgres))
echo "$(basename $bin) $r | server $(( (b2-b1)/1000/n )) us postgres $(( (p2-p1)/1000/n )) us"
