#!/usr/bin/env bash
# ab.sh ENV ROUNDS BIN...: each round, each binary in turn on port 18080
# (serve.sh of 2026-12-04T163000Z-member-insert): 300 familyName pages to
# warm it, then 1,000 first pages of 100 each of familyName, department and
# `active eq false` at 8 clients (srvsplit.sh of 2026-12-05T223000Z-cpu-split:
# p50/p99 and the server's and PostgreSQL's CPU a page).
set -u
R=/work/main/bench/results
env="$1"; rounds="$2"; shift 2
for round in $(seq 1 "$rounds"); do
  for bin in "$@"; do
    echo "== round $round: $bin"
    "$R/2026-12-04T163000Z-member-insert/serve.sh" "$bin" "$env" > /dev/null
    . "/work/data/$env.env"
    python3 "$R/2026-12-05T223000Z-cpu-split/drive.py" http://127.0.0.1:18080 "$TOKEN" family 300 5000 > /dev/null
    for kind in family dept false; do
      "$R/2026-12-05T223000Z-cpu-split/srvsplit.sh" "$env" "$kind" 1000 $((round * 1000))
    done
  done
done
