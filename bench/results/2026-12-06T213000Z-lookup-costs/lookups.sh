#!/usr/bin/env bash
# lookups.sh ENV ROUNDS NAME=BIN[:inline]... — 50,000 userName lookups at c=8 per variant per round
set -u
envname=$1; rounds=$2; shift 2
. /work/data/$envname.env
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    name=${v%%=*}; rest=${v#*=}; bin=${rest%%:*}; mode=${rest#*:}
    if [ "$mode" = inline ]; then export GH_INLINE=1; else unset GH_INLINE; fi
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $envname >/dev/null
    unset GH_INLINE
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario lookup --users 1000000 --lookups 50000 --out /work/data/ab/$name-$r.json >/dev/null 2>&1
    python3 - "$name" "$r" <<'PY'
import json,sys
d=json.load(open(f"/work/data/ab/{sys.argv[1]}-{sys.argv[2]}.json"))
def walk(o,path=""):
    if isinstance(o,dict):
        if "p99_ms" in o or "p99" in o:
            print(sys.argv[1], sys.argv[2], path, {k:o[k] for k in o if k in("req_per_s","requests_per_second","p50_ms","p99_ms","p50","p99","of_ceiling","errors")})
        for k,v in o.items(): walk(v,path+"/"+k)
walk(d)
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
