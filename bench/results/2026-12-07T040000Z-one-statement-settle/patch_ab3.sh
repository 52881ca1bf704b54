#!/usr/bin/env bash
# patch_ab3.sh ENV ROUNDS PAIRS A B — floor 6's pairs (patch_ab2.sh), with the CPU of PostgreSQL's
# backends beside the server's (a pair is an add of 50 and a remove of 50; CPU per PATCH)
set -u
envname=$1; rounds=$2; pairs=$3; a=$4; b=$5
. /work/data/$envname.env
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then bin=$a; else bin=$b; fi
    psql -q "$URL" -c "VACUUM license_counts, license_dirty, user_counts, user_value_counts" 2>/dev/null
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $envname >/dev/null
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    python3 /work/main/bench/results/2026-12-06T133000Z-resync-costs/patch_ab.py http://127.0.0.1:18080 $TOKEN 5 >/dev/null
    pg=$(pgrep -f "postgres: 15/main: postgres test" | tr '\n' ' ')
    before=$(cpu_ns $pid); pgb=$(cpu_ns $pg)
    res=$(python3 /work/main/bench/results/2026-12-06T133000Z-resync-costs/patch_ab.py http://127.0.0.1:18080 $TOKEN $pairs)
    after=$(cpu_ns $pid); pga=$(cpu_ns $pg)
    echo "$v r$r $res server $(( (after - before) / 2000 / pairs )) us/patch postgres $(( (pga - pgb) / 2000 / pairs )) us/patch"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
