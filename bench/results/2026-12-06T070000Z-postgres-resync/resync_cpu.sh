#!/usr/bin/env bash
# resync_cpu.sh BIN ENVNAME USERS: the resync scenario over the first USERS
# users of a seeded directory (prep.sh), c=8, on port 18080; req/s, p50/p99
# per operation, and CPU per request of the server and of PostgreSQL's
# processes (all of them, from /proc).
set -u
GH="$1"; name="$2"; users="$3"
here="$(dirname "$0")"
pgcpu() { for p in $(pgrep -x postgres); do awk -v p=$p '{print p, $14+$15}' /proc/$p/stat 2>/dev/null; done; }
/work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$GH" "$name" > /dev/null
. /work/data/$name.env
SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
pgcpu > /tmp/pg0; c0=$(awk '{print $14+$15}' /proc/$SP/stat)
/work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --concurrency 8 \
  --scenario resync --users "$users" --groups 1000 --no-ceiling --out /tmp/resync.json > /dev/null 2>&1
c1=$(awk '{print $14+$15}' /proc/$SP/stat); pgcpu > /tmp/pg1
python3 - "$GH" "$c0" "$c1" <<'PY'
import json, sys
d = json.load(open('/tmp/resync.json'))
s = [s for s in d['scenarios'] if s['scenario'] == 'resync'][0]
n = s['requests']
cpu = (int(sys.argv[3]) - int(sys.argv[2])) * 10000 / n
before = dict(l.split() for l in open('/tmp/pg0'))
pg = sum(int(t) - int(before.get(p, 0)) for p, t in (l.split() for l in open('/tmp/pg1')))
print(f"{sys.argv[1].split('/')[-1]}: {n} req in {s['seconds']} s, {s['req_per_s']} req/s; server {cpu:.0f} us/req, postgres {pg*10000/n:.0f} us/req")
for k, v in s['operations'].items():
    print(f"   {k:14} {v['requests']:7} p50 {v['p50_ms']:6.2f} p99 {v['p99_ms']:6.2f} ms")
PY
