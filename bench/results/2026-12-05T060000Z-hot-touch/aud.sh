#!/usr/bin/env bash
# aud.sh BIN ENV: the auditor scenario (floor 3) against one server, since = max(updated_at) - 1h
B=/work/main/bench/results
"$B/2026-12-04T163000Z-member-insert/serve.sh" "$1" "$2" > /dev/null
. /work/data/$2.env
T=$(psql -At "$URL" -c "select to_char(to_timestamp(max(updated_at)/1e6 - 3600) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from users")
/work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --out /tmp/aud.json --scenario auditor --repeats 16 --product p00 --modified-since "$T" > /dev/null 2>&1
python3 - <<PY
import json
d = json.load(open('/tmp/aud.json'))
for s in d['scenarios']:
    for name, op in s['operations'].items():
        if 'modified' in name:
            print("$3", name, op['p50_ms'], op['p99_ms'], op['requests'])
    for name, w in s.get('walks', {}).items():
        if 'modified' in name:
            print("$3 walk", name, w)
PY
pkill -f 'serve --listen 127.0.0.1:18080'
