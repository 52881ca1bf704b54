#!/usr/bin/env bash
# idp_ab.sh ENVNAME ROUNDS BIN... — gatehouse-bench idp-reads (floor 5) against each binary in turn,
# ROUNDS times, same dataset; prints p99 of the page filters and the import.
set -u
envname="$1"; rounds="$2"; shift 2
. /work/data/$envname.env
for r in $(seq 1 "$rounds"); do
  for bin in "$@"; do
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" "$envname" > /dev/null
    case "$URL" in sqlite*) cat "${URL#sqlite://}"* > /dev/null ;; esac
    out=/work/ab/$envname-$(basename "$bin")-$r.json
    /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 \
      --scenario idp-reads --users 1000000 --repeats 200 --out "$out" > /dev/null 2>&1
    python3 - "$out" "$(basename "$bin")" "$r" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = [x for x in d["scenarios"] if x["scenario"] == "idp-reads"][0]
o = s["operations"]
keys = ["eq_active_false", "eq_department", "eq_familyName", "eq_userName", "import_page", "probe_count_1"]
print(sys.argv[2], "round", sys.argv[3], "ceiling", d["ceiling_req_per_s"], " ".join(f"{k[3:] if k.startswith('eq_') else k}={o[k]['p99_ms']}" for k in keys if k in o), "import_s", s.get("import_seconds"))
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
