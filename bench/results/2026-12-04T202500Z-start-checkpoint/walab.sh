#!/usr/bin/env bash
# walab.sh BIN LABEL — restore s2 from its post-prep copy (log included), flush, serve with BIN, 3 lookup runs
set -e
cd /work/main
pkill -f "serve --listen 127.0.0.1:18080" || true; while pgrep -f "serve --listen 127.0.0.1:18080" >/dev/null; do sleep 0.2; done
rm -f /work/data/s2.db /work/data/s2.db-wal /work/data/s2.db-shm
cp /work/data/s2c.db /work/data/s2.db; cp /work/data/s2c.db-wal /work/data/s2.db-wal
sync; sleep 5
echo "$2 log before start: $(stat -c %s /work/data/s2.db-wal) bytes"
bash bench/results/2026-12-04T163000Z-member-insert/serve.sh "$1" s2 > /dev/null
. /work/data/s2.env
for r in 1 2 3; do
  ./target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --out /tmp/wl.json --scenario lookup --users 1000000 --lookups 50000 > /dev/null 2>&1
  python3 -c "
import json
for s in json.load(open('/tmp/wl.json'))['scenarios']:
    print('$2 run $r', s['scenario'], f\"{s['req_per_s']:.0f}/s p50 {s['p50_ms']} p99 {s['p99_ms']} ms errors {s['errors']}\")"
done
pkill -f "serve --listen 127.0.0.1:18080"
