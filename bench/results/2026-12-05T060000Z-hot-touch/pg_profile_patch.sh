#!/usr/bin/env bash
# Logs every statement PostgreSQL runs while N member PATCHes (add 50, remove 50) hit the big group; sums durations by statement.
set -euo pipefail
BIN="$1"; ROUNDS="${2:-20}"; source /work/data/${3:-p}.env
LOG=/var/log/postgresql/postgresql-15-main.log
cd /work/main/bench
"$BIN" serve --listen 127.0.0.1:18090 --database-url "$URL" > /work/data/serve-prof.log 2>&1 &
pid=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18090/healthz > /dev/null && break; sleep 0.2; done
python3 -c "
import sys; sys.path.insert(0,'.')
from floors_http import member_patches
print(member_patches('http://127.0.0.1:18090', '$TOKEN', 5, 1000000))"   # warm
start=$(wc -l < $LOG)
psql -q postgres://postgres@127.0.0.1:5432/test -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" > /dev/null
sleep 1
python3 -c "
import sys; sys.path.insert(0,'.')
from floors_http import member_patches
print(member_patches('http://127.0.0.1:18090', '$TOKEN', $ROUNDS, 1000000))"
psql -q postgres://postgres@127.0.0.1:5432/test -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" > /dev/null
kill $pid; wait $pid 2>/dev/null || true
tail -n +$((start+1)) $LOG > /tmp/prof.log
python3 - <<'PY'
import re, collections
tot = collections.Counter(); n = collections.Counter()
for line in open('/tmp/prof.log', errors='replace'):
    m = re.search(r'duration: ([0-9.]+) ms  (parse|bind|execute|statement)[^:]*: (.*)', line)
    if not m: continue
    ms, phase, sql = float(m.group(1)), m.group(2), m.group(3)
    key = (phase, re.sub(r'\s+', ' ', sql)[:110])
    tot[key] += ms; n[key] += 1
for (phase, sql), ms in tot.most_common(25):
    print(f"{ms:9.1f} ms {n[(phase, sql)]:6d}x {phase:8s} {sql}")
print("total", round(sum(tot.values()),1), "ms")
PY
