#!/usr/bin/env bash
# resync_prof.sh BIN ENV USERS — serve, run resync, sample per-thread CPU and perf
set -u
BIN=$1; ENV=$2; USERS=${3:-1000000}
cd /work/main
bash bench/results/2026-12-04T163000Z-member-insert/serve.sh "$BIN" "$ENV"
. /work/data/$ENV.env
pid=$(pgrep -f "serve --listen 127.0.0.1:18080" | head -1)
/work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario resync --users $USERS --groups 1000 --no-ceiling --out /work/prof/resync-$ENV.json > /work/prof/resync.out 2>&1 &
bpid=$!
# wait for the id walk to finish: the bench prints nothing; give it time
sleep ${WARM:-40}
for t in /proc/$pid/task/*; do echo "$(basename $t) $(cat $t/comm) $(awk '{print $14+$15}' $t/stat)"; done > /work/prof/t0
bt0=$(awk '{print $14+$15}' /proc/$bpid/stat)
if [ -n "${PERF:-}" ]; then perf record -F 499 -g -p $pid -o /work/prof/perf.data -- sleep 15 2>/dev/null; else sleep 15; fi
for t in /proc/$pid/task/*; do echo "$(basename $t) $(cat $t/comm) $(awk '{print $14+$15}' $t/stat)"; done > /work/prof/t1
bt1=$(awk '{print $14+$15}' /proc/$bpid/stat)
echo "bench driver ticks in window: $((bt1-bt0))"
join <(sort /work/prof/t0) <(sort /work/prof/t1) | awk '{d=$5-$3; by[$2]+=d; tot+=d} END {for (k in by) print k, by[k]; print "total", tot}' | sort -k2 -n
wait $bpid
python3 -c "
import json;d=json.load(open('/work/prof/resync-$ENV.json'))
s=d['scenarios'][0];print('seconds',s['seconds'],s['req_per_s'])
for k,v in s['operations'].items(): print(k,v['requests'],v['p50_ms'],v['p99_ms'])
"
