#!/usr/bin/env bash
# http_ab.sh ENVNAME OUTDIR LABEL BIN: floors_http.py (reports, big-group PATCH, reads) against BIN on the dataset
set -euo pipefail
cd /work/main
envname="$1"; outdir="$2"; label="$3"; bin="$4"
. "/work/data/$envname.env"
RUST_LOG=warn,gatehouse=info "$bin" serve --listen 127.0.0.1:18090 --database-url "$URL" > /tmp/http_serve.log 2>&1 &
server=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:18090/healthz > /dev/null && break; sleep 0.2; done
sleep 10
python3 bench/floors_http.py http://127.0.0.1:18090 "$TOKEN" "$ADMIN" "$server" 50 1000000 > "$outdir/$envname-$label-http.json"
kill "$server"; wait "$server" 2>/dev/null || true
python3 -c "
import json; d=json.load(open('$outdir/$envname-$label-http.json'))
print('$envname $label', json.dumps(d.get('big_group', d))[:600])"
