#!/usr/bin/env bash
# resync_ab.sh ENV ROUNDS BIN...: floor 7's resync (gatehouse-bench, 1M users, 8 clients) per binary, alternated
env="$1"; rounds="$2"; shift 2
. "/work/data/$env.env"
for r in $(seq 1 "$rounds"); do for bin in "$@"; do
  /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" "$env" > /dev/null
  /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario resync --users 1000000 --groups 1000 --no-ceiling --out /tmp/resync.json > /dev/null 2>&1
  python3 -c "
import json
s = json.load(open('/tmp/resync.json'))['scenarios'][0]
print('round $r $(basename $bin):', s['seconds'], 's;', {k: (v['p50_ms'], v['p99_ms']) for k, v in s['operations'].items()})"
done; done
pkill -f 'serve --listen 127.0.0.1:18080'
