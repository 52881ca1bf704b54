#!/usr/bin/env bash
# modq.sh BIN ENV: time first pages of meta.lastModified gt <max-1h> (10 runs, 1 client)
B=/work/main/bench/results
"$B/2026-12-04T163000Z-member-insert/serve.sh" "$1" "$2" > /dev/null
. /work/data/$2.env
T=$(psql -At "$URL" -c "select to_char(to_timestamp(max(updated_at)/1e6 - 3600) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from users")
f=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote('meta.lastModified gt \"$T\"'))")
for i in $(seq 10); do curl -s -o /tmp/modq.json -w "%{time_total} " -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18080/scim/v2/Users?count=100&attributes=userName&filter=$f"; done; echo
python3 -c "import json; d=json.load(open('/tmp/modq.json')); print('total', d['totalResults'], 'rows', len(d['Resources']))"
pkill -f 'serve --listen 127.0.0.1:18080'
