#!/usr/bin/env bash
# ab_all.sh ENVNAME ROUNDS BIN... — per binary in turn, ROUNDS times, one dataset (prep.sh):
# 50,000 userName lookups at c=8 (unchanged by this stop's work: how fast the hour is), floor 5's
# idp-reads (first pages' p99) and floor 6's member PATCHes (add/remove 50, 100 each). With
# ALTERNATE=1 the binaries run in reverse order every other round.
set -u
envname="$1"; rounds="$2"; shift 2
. /work/data/$envname.env
here="$(cd "$(dirname "$0")" && pwd)"
for r in $(seq 1 "$rounds"); do
  order=("$@")
  if [ "${ALTERNATE:-0}" = 1 ] && [ $((r % 2)) = 0 ]; then
    order=(); for ((k = $#; k >= 1; k--)); do order+=("${!k}"); done
  fi
  for bin in "${order[@]}"; do
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" "$envname" > /dev/null
    out=/work/ab/$envname-$(basename "$bin")-$r
    /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 \
      --scenario lookup --users 1000000 --lookups 50000 --out "$out-lookup.json" > /dev/null 2>&1
    /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 \
      --scenario idp-reads --users 1000000 --repeats 200 --out "$out-idp.json" > /dev/null 2>&1
    patch="$(python3 "$here/patch_ab.py" http://127.0.0.1:18080 "$TOKEN" 100)"
    python3 - "$out" "$(basename "$bin")" "$r" "$patch" <<'PY'
import json, sys
out, name, r, patch = sys.argv[1:]
def ops(path, scenario):
    d = json.load(open(path))
    s = [x for x in d["scenarios"] if x["scenario"] == scenario][0]
    return d, s, s["operations"]
d, s, o = ops(out + "-lookup.json", "lookup")
line = f"{name} round {r}: ceiling {d['ceiling_req_per_s']} lookups {o['lookup']['req_per_s']}/s p99 {o['lookup']['p99_ms']}"
d, s, o = ops(out + "-idp.json", "idp-reads")
keys = ["probe_count_1", "eq_active_false", "eq_department", "eq_familyName", "eq_manager_value", "import_page"]
line += " | " + " ".join(f"{k.removeprefix('eq_')}={o[k]['p50_ms']}/{o[k]['p99_ms']}" for k in keys)
print(line + " (p50/p99 ms) | " + patch)
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
