#!/usr/bin/env bash
# cpusplit.sh BIN ENV: 50k lookups c=8 (USERS, default 1000000: the users seeded); CPU seconds of server, postgres, driver
B=/work/main/bench/results
"$B/2026-12-04T163000Z-member-insert/serve.sh" "$1" "$2" > /dev/null
. /work/data/$2.env
spid=$(pgrep -f 'serve --listen 127.0.0.1:18080')
tick=$(getconf CLK_TCK)
pgcpu() { for p in $(pgrep -x postgres); do awk '{print $14+$15}' /proc/$p/stat 2>/dev/null; done | awk '{s+=$1} END {print s}'; }
/work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --out /tmp/l.json --scenario lookup --users "${USERS:-1000000}" --lookups 20000 > /dev/null 2>&1
s0=$(awk '{print $14+$15}' /proc/$spid/stat); p0=$(pgcpu); t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o /tmp/drv.txt /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --out /tmp/l.json --scenario lookup --users "${USERS:-1000000}" --lookups 50000 > /dev/null 2>&1
t1=$(date +%s.%N); s1=$(awk '{print $14+$15}' /proc/$spid/stat); p1=$(pgcpu)
python3 - <<PY
import json
s=[s for s in json.load(open('/tmp/l.json'))['scenarios'] if s['scenario']=='lookup'][0]
d=open('/tmp/drv.txt').read().split()
n=50000; tick=$tick
print(f"{s['req_per_s']:.0f}/s p50 {s['p50_ms']} p99 {s['p99_ms']}; per lookup CPU us: server {($s1-$s0)/tick/n*1e6:.0f}, postgres {($p1-$p0)/tick/n*1e6:.0f}, driver {(float(d[0])+float(d[1]))/n*1e6:.0f}; wall {($t1-$t0):.1f}s")
PY
pkill -f 'serve --listen 127.0.0.1:18080'
