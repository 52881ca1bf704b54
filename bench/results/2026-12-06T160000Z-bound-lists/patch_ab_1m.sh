#!/usr/bin/env bash
# patch_ab_1m.sh ENVNAME ROUNDS BIN... — floor 6's member PATCHes at 1M users (patch_ab.py: 5
# warm-up rounds, then 100 add-50/remove-50 pairs on the 200,000-member group mapped to the
# capped product), per binary a fresh server, ROUNDS times, order reversed every other round.
set -u
envname="$1"; rounds="$2"; shift 2
. /work/data/$envname.env
for r in $(seq 1 "$rounds"); do
  order=("$@")
  if [ $((r % 2)) = 0 ]; then order=(); for ((k = $#; k >= 1; k--)); do order+=("${!k}"); done; fi
  for bin in "${order[@]}"; do
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" "$envname" > /dev/null
    echo "$(basename "$bin") round $r: $(python3 /work/main/bench/results/2026-12-06T133000Z-resync-costs/patch_ab.py http://127.0.0.1:18080 "$TOKEN" 100)"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
