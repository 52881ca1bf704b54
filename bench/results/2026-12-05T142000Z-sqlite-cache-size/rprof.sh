#!/usr/bin/env bash
# rprof.sh BIN OUT: a resync on s.db with perf sampling the server for 20 s from 40 s in
cd /work/main; . /work/data/s.env
bash bench/results/2026-12-04T163000Z-member-insert/serve.sh "$1" s > /dev/null
PID=$(pgrep -f "serve --listen 127.0.0.1:18080")
/work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario resync --users 1000000 --groups 1000 --no-ceiling --out /tmp/rp.json > /dev/null 2>&1 &
sleep 40
perf record -F 499 -p $PID -o "$2" -- sleep 20 > /dev/null 2>&1
wait
pkill -f "serve --listen 127.0.0.1:18080"
python3 -c "import json; s=json.load(open('/tmp/rp.json'))['scenarios'][0]; print('$1', s['seconds'])"
