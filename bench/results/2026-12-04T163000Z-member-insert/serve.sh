#!/usr/bin/env bash
# serve.sh BIN ENVNAME — one server on 127.0.0.1:18080
pkill -f "serve --listen 127.0.0.1:18080"; while pgrep -f "serve --listen 127.0.0.1:18080" >/dev/null; do sleep 0.2; done
. /work/data/$2.env
RUST_LOG=warn "$1" serve --listen 127.0.0.1:18080 --database-url "$URL" > /work/data/serve.log 2>&1 &
for i in $(seq 1 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
echo up
