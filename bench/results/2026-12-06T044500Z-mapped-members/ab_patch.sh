#!/usr/bin/env bash
# ab_patch.sh KIND ROUNDS BIN...: KIND sqlite or postgres. Each round, each
# binary: a fresh database provisioned with gatehouse-bench's provision
# scenario (10k users), then patch_loop.py: 150 add-50 PATCHes into new,
# unmapped groups, one at a time; CPU of the server (and PostgreSQL).
set -u
kind="$1"; rounds="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
for round in $(seq 1 "$rounds"); do
  for GH in "$@"; do
    pkill -f "serve --listen 127.0.0.1:18080"
    while pgrep -f "serve --listen 127.0.0.1:18080" > /dev/null; do sleep 0.2; done
    if [ "$kind" = postgres ]; then
      psql -qU postgres -h 127.0.0.1 test -c "DROP SCHEMA IF EXISTS abp CASCADE" -c "CREATE SCHEMA abp" 2>/dev/null
      U='postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dabp'
    else
      rm -f /work/data/p.db*; U=sqlite:///work/data/p.db
    fi
    "$GH" migrate --database-url "$U" > /dev/null
    T=$("$GH" directory create bench --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    A=$("$GH" admin-token create --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    RUST_LOG=warn "$GH" serve --listen 127.0.0.1:18080 --database-url "$U" > /work/data/p.log 2>&1 &
    for i in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz > /dev/null && break; sleep 0.2; done
    /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $T --admin-base http://127.0.0.1:18080/admin/v1 --admin-token $A \
      --concurrency 8 --scenario provision --users 10000 --groups 100 --members 300 --out /tmp/abp.json > /dev/null 2>&1
    SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
    PG=""; [ "$kind" = postgres ] && PG=$(pgrep -x postgres | tr '\n' ' ')
    echo -n "round $round $(basename "$GH") $kind: "
    python3 "$here/patch_loop.py" http://127.0.0.1:18080/scim/v2 "$T" 150 $SP $PG
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
