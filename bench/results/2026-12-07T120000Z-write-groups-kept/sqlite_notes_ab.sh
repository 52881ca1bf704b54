#!/usr/bin/env bash
# sqlite_notes_ab.sh BIN ENV — (migration 000033: base on a copy of the dataset without it, new on one
# with it) floor 6's member PATCHes (100 rounds of add 50 / remove 50 on the 200k mapped, capped group)
# then 2,000 deactivations+reactivations from 8 threads; server CPU per request
bin=$1; env=$2
bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $env >/dev/null
. /work/data/$env.env
pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu_ns() { cat /proc/$1/task/*/schedstat | awk '{s+=$1} END {printf "%d", s}'; }
c1=$(cpu_ns $pid)
python3 - "$TOKEN" <<'PY'
import sys, json
sys.path.insert(0, "/work/main/bench")
import floors_http as f
r = f.member_patches("http://127.0.0.1:18080", sys.argv[1], 100, 1000000)
print("add50", r["add_50"], "remove50", r["remove_50"])
PY
c2=$(cpu_ns $pid)
echo "member patches: server $(( (c2-c1)/1000/210 )) us a PATCH"
d=$(python3 "$(dirname "$0")/writes8.py" http://127.0.0.1:18080 $TOKEN ${FIRST:-700000} 2000 deact)
c3=$(cpu_ns $pid)
r=$(python3 "$(dirname "$0")/writes8.py" http://127.0.0.1:18080 $TOKEN ${FIRST:-700000} 2000 react)
c4=$(cpu_ns $pid)
echo "$d | server $(( (c3-c2)/1000/2000 )) us; $r | server $(( (c4-c3)/1000/2000 )) us"
