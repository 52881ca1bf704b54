#!/usr/bin/env bash
# ab_ns.sh BIN LABEL ENV : the non-synced report's first page (20x) and whole walk (pages of 1,000)
set -euo pipefail
BIN="$1"; LABEL="$2"; source "/work/data/$3.env"
cd /work/main/bench
"$BIN" serve --listen 127.0.0.1:18096 --database-url "$URL" > /work/data/serve-ns.log 2>&1 &
pid=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18096/healthz > /dev/null && break; sleep 0.2; done
python3 - "$ADMIN" "$LABEL" <<'PY'
import json, sys
from floors_http import connect, timed, figures
admin, label = sys.argv[1], sys.argv[2]
conn = connect("http://127.0.0.1:18096")
samples = []
for _ in range(20):
    ms, status, size = timed(conn, "GET", "/admin/v1/reports/non-synced-access?limit=100", admin)
    assert status == 200
    samples.append(ms)
print(json.dumps({"label": label, "first_page": figures(samples)}))
PY
python3 report_walk.py http://127.0.0.1:18096 "$ADMIN" /admin/v1/reports/non-synced-access --limit 1000 | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'walk_limit_1000': d}))"
kill $pid; wait $pid 2>/dev/null || true
