#!/usr/bin/env bash
# patch_ab.sh ENVNAME ROUNDS BIN... — floor 6 member PATCHes against each binary in turn.
set -u
envname="$1"; rounds="$2"; shift 2
. /work/data/$envname.env
for r in $(seq 1 "$rounds"); do
  for bin in "$@"; do
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" "$envname" > /dev/null
    echo "$(basename "$bin") round $r: $(python3 /work/ab/patch_ab.py http://127.0.0.1:18080 "$TOKEN" 100)"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
