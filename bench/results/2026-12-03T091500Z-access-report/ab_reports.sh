#!/usr/bin/env bash
# ab_reports.sh BIN LABEL ENVNAME : access report first pages and walks against one server
set -euo pipefail
BIN="$1"; LABEL="$2"; source "/work/data/$3.env"
cd /work/main/bench
"$BIN" serve --listen 127.0.0.1:18090 --database-url "$URL" > /work/data/serve-ab.log 2>&1 &
pid=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:18090/healthz > /dev/null && break; sleep 0.2; done
python3 - "$ADMIN" "$LABEL" <<'PY'
import json, sys
from floors_http import connect, timed, figures
admin, label = sys.argv[1], sys.argv[2]
conn = connect("http://127.0.0.1:18090")
out = {"label": label}
for name, path, n in [("first_page", "/admin/v1/reports/access?limit=100", 30),
                      ("first_page_p05", "/admin/v1/reports/access?limit=100&product=p05", 30),
                      ("first_page_since", "/admin/v1/reports/access?limit=100&since=2026-12-03T00:00:00Z", 5),
                      ("offset_100000", "/admin/v1/reports/access?limit=100&cursor=100000", 3)]:
    samples = []
    for _ in range(n):
        ms, status, size = timed(conn, "GET", path, admin)
        assert status == 200, (path, status)
        samples.append(ms)
    out[name] = figures(samples)
print(json.dumps(out))
PY
python3 report_walk.py http://127.0.0.1:18090 "$ADMIN" --limit 10000 | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'walk_limit_10000': d}))"
kill $pid; wait $pid 2>/dev/null || true
