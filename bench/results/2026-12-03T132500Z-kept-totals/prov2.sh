#!/usr/bin/env bash
# prov2.sh BIN LABEL DB(sqlite|postgres) OUT: provision scenario (10,000 users,
# 100 groups x 300 members) on a fresh SQLite file or PostgreSQL schema
set -euo pipefail
BIN="$1"; LABEL="$2"; DB="$3"; OUT="$4"; D=$(mktemp -d)
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
case "$DB" in
  sqlite) URL="sqlite://$D/p.db" ;;
  postgres) S="prov_$$_$RANDOM"; psql -q postgres://postgres@127.0.0.1:5432/test -c "CREATE SCHEMA $S"
            URL="postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3D$S" ;;
esac
"$BIN" migrate --database-url "$URL" > /dev/null
TOKEN=$("$BIN" directory create bench --database-url "$URL" --json | field token)
"$BIN" serve --listen 127.0.0.1:18095 --database-url "$URL" > $D/serve.log 2>&1 &
pid=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18095/healthz > /dev/null && break; sleep 0.2; done
/work/main/target/release/gatehouse-bench --base http://127.0.0.1:18095/scim/v2 --token "$TOKEN" --concurrency 8 --scenario provision --out "$OUT/prov-$DB-$LABEL.json" > /dev/null
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$D"
[ "$DB" = postgres ] && psql -q postgres://postgres@127.0.0.1:5432/test -c "DROP SCHEMA $S CASCADE"
python3 -c "
import json; d=json.load(open('$OUT/prov-$DB-$LABEL.json'))
for s in d['scenarios']:
    if s['scenario']=='provision':
        print('$DB $LABEL', s['req_per_s'], 'req/s p99', s['p99_ms'], {k:(v['req_per_s'],v['p99_ms']) for k,v in s['operations'].items()})"
