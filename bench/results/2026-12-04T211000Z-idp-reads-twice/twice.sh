#!/usr/bin/env bash
# twice.sh BIN ENVNAME — one server; lookups once (as floors.sh runs them first), then the
# idp-reads scenario twice on the same server, to tell warm-up tails from steady ones.
R="$(cd "$(dirname "$0")" && pwd)"; B="$R/.."
. "/work/data/$2.env"
"$B/2026-12-04T163000Z-member-insert/serve.sh" "$1" "$2" > /dev/null
D="$B/../../target/release/gatehouse-bench"
pid="$(pgrep -f 'serve --listen 127.0.0.1:18080' | head -1)"
echo "rss at start $(ps -o rss= -p "$pid") KiB"
"$D" --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --out /tmp/tw-lookup.json \
  --scenario lookup --users 1000000 --lookups 50000 > /dev/null 2>&1
echo "rss after lookups $(ps -o rss= -p "$pid") KiB"
for run in 1 2; do
  "$D" --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --out "/tmp/tw-idp$run.json" \
    --scenario idp-reads --users 1000000 --repeats 50 > /dev/null 2>&1
  echo "rss after idp-reads run $run $(ps -o rss= -p "$pid") KiB"
  python3 - "/tmp/tw-idp$run.json" "$run" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))['scenarios']:
    for op, v in sorted(s.get('operations', {}).items()):
        if op.startswith('eq_') or op == 'probe_count_1':
            print(f"run {sys.argv[2]} {op:20s} p50 {v['p50_ms']:6.2f} p95 {v['p95_ms']:6.2f} p99 {v['p99_ms']:6.2f} ms")
PY
done
pkill -f 'serve --listen 127.0.0.1:18080'
