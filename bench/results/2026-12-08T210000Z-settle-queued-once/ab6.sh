#!/usr/bin/env bash
# ab6.sh ROUNDS: floor 6's PATCH pairs, trigger 000034 (A) vs 000036 (B), alternating, same server binary
cd /work/main; . /work/data/p1.env
start=${START:-600000}
for r in $(seq 1 $1); do
  for v in A B B A; do
    pkill -f "serve --listen 127.0.0.1:18080"; sleep 1
    if [ $v = B ]; then f=up; else f=down; fi
    psql -q -h 127.0.0.1 -U postgres test -c "SET search_path=p1" -f migrations/postgres/2026-12-30-000036_settle_queued_once/$f.sql 2>&1 | grep -v "does not exist" 
    psql -q -h 127.0.0.1 -U postgres test -c "VACUUM p1.license_counts, p1.license_dirty, p1.user_counts, p1.user_value_counts" 
    bash bench/results/2026-12-04T163000Z-member-insert/serve.sh /work/bin/base/gatehouse p1 >/dev/null
    start=$((start+6000))
    echo "$v $(python3 /work/data/fp.py http://127.0.0.1:18080 $TOKEN 100 $start)"
  done
done
