#!/usr/bin/env bash
# mpab.sh FIRST ROUNDS BIN...: per binary a new server; 20 unmeasured rounds, then ROUNDS rounds of
# add 50 / remove 50 on the 200k group (fresh users each time), server CPU ticks; alternated. ENVN names the env file (default s).
first=$1; rounds=$2; shift 2
. /work/data/${ENVN:-s}.env
for r in $(seq 1 $rounds); do for bin in "$@"; do
  bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin ${ENVN:-s} >/dev/null
  PID=$(pgrep -f "serve --listen 127.0.0.1:18080")
  python3 $(dirname "$0")/mp.py http://127.0.0.1:18080 $TOKEN 20 $first >/dev/null; first=$((first+1000))
  c0=$(awk '{print $14+$15}' /proc/$PID/stat)
  out=$(python3 $(dirname "$0")/mp.py http://127.0.0.1:18080 $TOKEN 200 $first)
  echo "round $r $(basename $bin) $out server_cpu_s=$(( $(awk '{print $14+$15}' /proc/$PID/stat) - c0 ))e-2"
  first=$((first+10000))
done; done
pkill -f "serve --listen 127.0.0.1:18080"
