#!/usr/bin/env bash
# Run from anywhere; expects /work/data/ENV.env (prep.sh of 2026-12-03T183000Z-start-index-jumps) and a server from serve.sh of 2026-12-04T163000Z-member-insert on port 18080.
# cpusplit.sh ENV N SCENARIO-ARGS...: CPU (us per request) of server, postgres, bench over a bench run
. /work/data/$1.env; n=$2; shift 2
SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu() { awk '{s+=$14+$15} END {print s}' $(for p in "$@"; do echo /proc/$p/stat; done) 2>/dev/null; }
PGS=$(pgrep -x postgres | tr "\n" " ")
s0=$(cpu $SP); p0=$(cpu $PGS); t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o /tmp/benchcpu /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 --out /tmp/split.json "$@" > /dev/null
t1=$(date +%s.%N)
PGS2=$(pgrep -x postgres | tr "\n" " ")
s1=$(cpu $SP); p1=$(cpu $PGS2)
b=$(awk '{print ($1+$2)*1000000}' /tmp/benchcpu)
python3 - <<PY
import json
d=json.load(open('/tmp/split.json'))
for s in d['scenarios']:
    print(s['scenario'], s.get('req_per_s'), s['p50_ms'], s['p99_ms'])
n=$n
print(f"wall {($t1-$t0):.1f}s server {($s1-$s0)*10000/n:.0f} us/req, postgres {($p1-$p0)*10000/n:.0f} us/req, bench {$b/n:.0f} us/req")
PY
