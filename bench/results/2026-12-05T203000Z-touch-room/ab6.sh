#!/usr/bin/env bash
# ab6.sh FIRST ROUNDS "env:bin" ...: floor 6's loop (mp.py: ROUNDS adds and removes of 50, no warm-up) per env, a new warmed server each, alternated
first=$1; rounds=$2; shift 2
mp=/work/main/bench/results/2026-12-05T163000Z-first-write/mp.py
for pair in "$@"; do
  env=${pair%%:*}; bin=${pair#*:}
  . /work/data/$env.env
  bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $env >/dev/null
  bash "$(dirname "$0")"/warm.sh $env
  PID=$(pgrep -f "serve --listen 127.0.0.1:18080")
  c0=$(awk '{print $14+$15}' /proc/$PID/stat)
  out=$(python3 $mp http://127.0.0.1:18080 $TOKEN $rounds $first)
  echo "$env first=$first $out server_cpu_s=$(( $(awk '{print $14+$15}' /proc/$PID/stat) - c0 ))e-2"
done
pkill -f "serve --listen 127.0.0.1:18080"
