#!/usr/bin/env bash
# ab_resync.sh BIN...: floor 7 on SQLite, each binary on its own copy of the
# 1M-user dataset (/work/data/s1.db of prep.sh, 2026-12-03T183000Z-start-index-jumps):
# gatehouse-bench's resync scenario over every user at c=8, as floors.sh runs it.
set -u
R=/work/main/bench/results
for GH in "$@"; do
  rm -f /work/data/r.db*; cp /work/data/s1.db /work/data/r.db; cp /work/data/s1.db-wal /work/data/r.db-wal
  sed 's|s1.db|r.db|' /work/data/s1.env > /work/data/r.env
  "$R/2026-12-04T163000Z-member-insert/serve.sh" "$GH" r > /dev/null
  . /work/data/r.env
  cat /work/data/r.db /work/data/r.db-wal > /dev/null
  /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 \
    --out /tmp/resync.json --scenario resync --users 1000000 --groups 1000 --no-ceiling 2>&1 | grep "^resync" | sed "s|^|$(basename "$GH"): |"
done
pkill -f "serve --listen 127.0.0.1:18080"; rm -f /work/data/r.db*
