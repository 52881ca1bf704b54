#!/usr/bin/env bash
# ab.sh ENV ROUNDS BIN... — ../2026-12-04T193000Z-sqlite-page-cache/ab.sh with the database
# read into the OS cache before each server starts (this machine's kdamond pages out file
# pages idle for 60 s, so a run would otherwise start on a partly cold file). For each
# binary in turn, ROUNDS times round: one server on 127.0.0.1:18080 (warmed with 5 s of
# pages), then 50,000 `userName eq` lookups at 8 clients (gatehouse-bench), and pages of
# 100 full users at 8 clients and at one client (par_path.py): name.familyName eq (997
# values, each page on other rows) and active eq false.
R="$(cd "$(dirname "$0")" && pwd)"; B="$R/.."; env="$1"; rounds="$2"; shift 2
. "/work/data/$env.env"
P="$B/2026-12-04T175000Z-postgres-page/par_path.py"
family='/scim/v2/Users?count=100&filter=name.familyName%20eq%20%22Family{i}%22'
inactive='/scim/v2/Users?count=100&filter=active%20eq%20false'
for round in $(seq 1 "$rounds"); do for bin in "$@"; do
  db="${URL#sqlite://}"; if [ -f "$db" ]; then cat "$db" "$db-wal" > /dev/null 2>&1; fi
  "$B/2026-12-04T163000Z-member-insert/serve.sh" "$bin" "$env" > /dev/null
  python3 "$P" "/work/data/$env.env" "$family" 2 5 997 > /dev/null
  name="$(basename "$bin")"
  "$B/../../target/release/gatehouse-bench" --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" \
    --concurrency 8 --out /tmp/ab-lookup.json --scenario lookup --users 1000000 --lookups 50000 > /dev/null 2>&1
  echo "round $round $name lookups c=8: $(python3 -c "
import json
s = [s for s in json.load(open('/tmp/ab-lookup.json'))['scenarios'] if s['scenario'] == 'lookup'][0]
print(f\"{s['req_per_s']:.0f}/s p50 {s['p50_ms']} p99 {s['p99_ms']} ms, errors {s['errors']}\")")"
  echo "round $round $name familyName c=8: $(python3 "$P" "/work/data/$env.env" "$family" 8 10 997)"
  echo "round $round $name familyName c=1: $(python3 "$P" "/work/data/$env.env" "$family" 1 10 997)"
  echo "round $round $name inactive   c=8: $(python3 "$P" "/work/data/$env.env" "$inactive" 8 10 10)"
done; done
pkill -f 'serve --listen 127.0.0.1:18080'
