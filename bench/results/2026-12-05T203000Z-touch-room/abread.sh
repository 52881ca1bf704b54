#!/usr/bin/env bash
# abread.sh SCENARIO "env:bin" ...: a gatehouse-bench read scenario per env, a new warmed server each; prints p50/p99 per operation
scenario=$1; shift
for pair in "$@"; do
  env=${pair%%:*}; bin=${pair#*:}
  . /work/data/$env.env
  bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $env >/dev/null
  bash "$(dirname "$0")"/warm.sh $env
  case $scenario in
    lookup) extra="--users 1000000 --lookups 50000";;
    idp-reads) extra="--users 1000000 --repeats 50";;
  esac
  /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 --out /tmp/$env-$scenario.json --scenario $scenario $extra > /dev/null
  python3 - "$env" /tmp/$env-$scenario.json <<'PY'
import json,sys
d=json.load(open(sys.argv[2]))
for s in d["scenarios"]:
    ops=s.get("operations") or {s["scenario"]: s}
    print(sys.argv[1], s["scenario"], s.get("req_per_s"), " ".join(f'{k}:{v["p50_ms"]}/{v["p99_ms"]}' for k,v in ops.items()))
PY
done
pkill -f "serve --listen 127.0.0.1:18080"
