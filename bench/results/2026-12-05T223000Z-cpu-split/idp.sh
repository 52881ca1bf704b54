#!/usr/bin/env bash
# Run from anywhere; expects /work/data/ENV.env (prep.sh of 2026-12-03T183000Z-start-index-jumps) and a server from serve.sh of 2026-12-04T163000Z-member-insert on port 18080.
# idp.sh ENV REPEATS: idp-reads on the running server; prints per-op p50/p99/max
. /work/data/$1.env
/work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 --out /tmp/idp.json --scenario idp-reads --users ${USERS:-1000000} --repeats $2 --no-ceiling > /dev/null
python3 - <<'PY'
import json
d=json.load(open('/tmp/idp.json'))
for s in d["scenarios"]:
    for k,v in s["operations"].items():
        if k in ("eq_familyName","eq_department","eq_active_false","probe_count_1","eq_userName"):
            print(f'{k:18s} p50 {v["p50_ms"]:6.2f} p99 {v["p99_ms"]:6.2f} max {v["max_ms"]:6.2f} n {v["requests"]}')
PY
