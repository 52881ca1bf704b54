#!/usr/bin/env bash
# usage: pgprov.sh GH_BINARY [users]  -> PG provision on a fresh schema
set -eu
GH="$1"; USERS="${2:-5000}"
DRIVER=/work/main/target/release/gatehouse-bench
schema="pgprov_$$"
psql -h 127.0.0.1 -U postgres -d test -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema;"
url="postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3D$schema"
token="$($GH directory create bench --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
RUST_LOG=warn $GH serve --listen 127.0.0.1:18082 --database-url "$url" > /tmp/pgprov.log 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18082/healthz && break; sleep 0.1; done
$DRIVER --base http://127.0.0.1:18082/scim/v2 --token "$token" --scenario provision --users $USERS --groups 50 --members 300 --concurrency 8 --out /tmp/pgprov.json > /tmp/pgprov.out
kill $pid; wait $pid 2>/dev/null || true
psql -h 127.0.0.1 -U postgres -d test -c "select relname, indexrelname, idx_scan, idx_tup_read from pg_stat_user_indexes where schemaname='$schema' and idx_tup_read > 5000" | cat
psql -h 127.0.0.1 -U postgres -d test -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE;"
python3 - <<'PY'
import json
d = json.load(open("/tmp/pgprov.json"))
s = d["scenarios"][0]
print(f"{s['req_per_s']:.0f} req/s p99 {s['p99_ms']:.2f} err {s['errors']}", {k: (v['p50_ms'], v['p99_ms']) for k,v in s['operations'].items() if k in ('lookup','create_user')})
PY
