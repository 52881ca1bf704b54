#!/usr/bin/env bash
# auditor_ab.sh ENV ROUNDS BIN... — floors.sh's auditor step (floor 3: first pages of 100 at c=8,
# 16 each, then the cursor walks) on a fresh server per binary, binaries alternating order per round.
set -u
envname=$1; rounds=$2; shift 2
. /work/data/$envname.env
serve=/work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh
since=$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)
for r in $(seq 1 "$rounds"); do
  bins=("$@"); if [ $((r % 2)) = 0 ]; then bins=($(printf '%s\n' "$@" | tac)); fi
  for bin in "${bins[@]}"; do
    bash $serve "$bin" "$envname" >/dev/null
    /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --no-ceiling --concurrency 8 \
      --scenario auditor --repeats 16 --product p00 --modified-since "$since" --out /work/data/ab/aud.json >/dev/null 2>&1
    python3 - /work/data/ab/aud.json "$(basename $bin)" <<'PY'
import json,sys
s=json.load(open(sys.argv[1]))["scenarios"][0]
ops=s["operations"]
firsts=" ".join(f"{k[11:]} {o['p50_ms']:.1f}/{o['p99_ms']:.1f}" for k,o in sorted(ops.items()) if k.startswith("first_page_"))
print(f"{sys.argv[2]:5} first pages p50/p99 ms: {firsts} | errors {s['errors']}")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
