#!/usr/bin/env bash
# patches_ab.sh DRIVER FIRST ENV ROUNDS N BIN... — DRIVER (deact_ab.py or member1_ab.py, beside
# this script) on a fresh server per binary, order alternating per round, each run on N users of
# its own from seeded user FIRST on, after 20 to warm up; CPU of the server's threads and of the
# test database's backends per PATCH.
set -u
driver="$(dirname "$0")/$1"; first=$2; envname=$3; rounds=$4; n=$5; shift 5
. /work/data/$envname.env
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 "$rounds"); do
  bins=("$@"); if [ $((r % 2)) = 0 ]; then bins=($(printf '%s\n' "$@" | tac)); fi
  for bin in "${bins[@]}"; do
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" "$envname" >/dev/null
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    python3 "$driver" http://127.0.0.1:18080 "$TOKEN" $((900000 + r * 100)) 20 >/dev/null
    pg=$(pgrep -f "postgres: 15/main: postgres test" | tr '\n' ' ')
    b1=$(cpu_ns $pid); p1=$(cpu_ns $pg)
    res=$(python3 "$driver" http://127.0.0.1:18080 "$TOKEN" $first $n)
    b2=$(cpu_ns $pid); p2=$(cpu_ns $pg)
    echo "$(basename $bin) r$r $res | server $(( (b2 - b1) / 2000 / n )) us postgres $(( (p2 - p1) / 2000 / n )) us a PATCH"
    first=$((first + n))
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
