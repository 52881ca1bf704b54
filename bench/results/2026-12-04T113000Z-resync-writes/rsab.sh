#!/bin/bash
# rsab.sh USERS BIN... — resync A/B on /work/data/s.env, 2 rounds alternating
source /work/data/${ENVF:-s}.env
U=$1; shift
for round in 1 2; do for B in "$@"; do
  pkill -f "serve --listen 127.0.0.1:18080"; while curl -s -o /dev/null 127.0.0.1:18080/healthz; do sleep 0.3; done; sleep 0.5
  RUST_LOG=warn $B serve --listen 127.0.0.1:18080 --database-url "$URL" > /dev/null 2>&1 &
  for i in $(seq 50); do curl -s -o /dev/null 127.0.0.1:18080/healthz && break; sleep 0.2; done
  /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario resync --users $U --groups 1000 --no-ceiling --out /tmp/rsab.json > /dev/null 2>&1
  echo "$(basename $B) $(python3 -c "
import json;d=json.load(open('/tmp/rsab.json'))['scenarios'][0];print('%.1f s %d req/s'%(d['seconds'],d['req_per_s']),' '.join('%s p50 %.2f p99 %.2f'%(k,v['p50_ms'],v['p99_ms']) for k,v in d['operations'].items()))")"
done; done
pkill -f "serve --listen 127.0.0.1:18080"
