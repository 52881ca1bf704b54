#!/usr/bin/env bash
# abbin.sh ROUNDS START: floor 6's PATCH pairs, base binary (A) vs new binary (B), alternating A B B A
cd /work/main; . /work/data/p1.env
start=$2
for r in $(seq 1 $1); do
  for v in A B B A; do
    if [ $v = B ]; then bin=/work/bin/new/gatehouse; else bin=/work/bin/base/gatehouse; fi
    pkill -f "serve --listen 127.0.0.1:18080"; sleep 1
    psql -q -h 127.0.0.1 -U postgres test -c "VACUUM p1.license_counts, p1.license_dirty, p1.user_counts, p1.user_value_counts"
    bash bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin p1 >/dev/null
    start=$((start+6000))
    echo "$v $(python3 /work/data/fp.py http://127.0.0.1:18080 $TOKEN 100 $start)"
  done
done
