#!/usr/bin/env bash
# patch_ab2.sh ENV ROUNDS PAIRS A B — patch_ab.sh with the churned tables vacuumed before every run
set -u
envname=$1; rounds=$2; pairs=$3; a=$4; b=$5
. /work/data/$envname.env
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then bin=$a; else bin=$b; fi
    psql -q "$URL" -c "VACUUM license_counts, license_dirty, user_counts, user_value_counts"
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $envname >/dev/null
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    python3 /work/main/bench/results/2026-12-06T133000Z-resync-costs/patch_ab.py http://127.0.0.1:18080 $TOKEN 5 >/dev/null
    before=$(cpu_ns $pid)
    res=$(python3 /work/main/bench/results/2026-12-06T133000Z-resync-costs/patch_ab.py http://127.0.0.1:18080 $TOKEN $pairs)
    after=$(cpu_ns $pid)
    echo "$v r$r $res server $(( (after - before) / 2000 / pairs )) us/patch"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
