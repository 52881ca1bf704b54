#!/usr/bin/env bash
# prov.sh BIN LABEL : provision scenario (10,000 users, 100 groups x 300 members) on a fresh SQLite file
set -euo pipefail
BIN="$1"; LABEL="$2"; D=$(mktemp -d)
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
"$BIN" migrate --database-url "sqlite://$D/p.db" > /dev/null
TOKEN=$("$BIN" directory create bench --database-url "sqlite://$D/p.db" --json | field token)
"$BIN" serve --listen 127.0.0.1:18095 --database-url "sqlite://$D/p.db" > $D/serve.log 2>&1 &
pid=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18095/healthz > /dev/null && break; sleep 0.2; done
/work/main/target/release/gatehouse-bench --base http://127.0.0.1:18095/scim/v2 --token "$TOKEN" --concurrency 8 --scenario provision --out /work/data/ab/prov-$LABEL.json > /dev/null
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$D"
python3 -c "
import json; d=json.load(open('/work/data/ab/prov-$LABEL.json'))
for s in d['scenarios']:
    if s['scenario']=='provision':
        print('$LABEL', s['req_per_s'], 'req/s p99', s['p99_ms'], {k:(v['req_per_s'],v['p99_ms']) for k,v in s['operations'].items()})"
