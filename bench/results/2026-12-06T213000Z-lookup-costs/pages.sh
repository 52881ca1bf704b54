#!/usr/bin/env bash
# pages.sh ENV ROUNDS NAME=BIN[:VAR=VAL]... — idp-reads of three filters (600 pages each, c=8) and 50k lookups per variant per round
set -u
envname=$1; rounds=$2; shift 2
. /work/data/$envname.env
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    name=${v%%=*}; rest=${v#*=}; bin=${rest%%:*}; setting=${rest#*:}
    if [ "$setting" != "$rest" ]; then export "$setting"; fi
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $envname >/dev/null
    if [ "$setting" != "$rest" ]; then unset "${setting%%=*}"; fi
    case "$URL" in sqlite*) f=${URL#sqlite://}; cat $f $f-wal > /dev/null 2>&1;; esac
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario idp-reads --users 1000000 --repeats 600 --only eq_department,eq_familyName,eq_active_false --out /work/data/ab/$name-$r.json >/dev/null 2>&1
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario lookup --users 1000000 --lookups 50000 --no-ceiling --out /work/data/ab/$name-$r-l.json >/dev/null 2>&1
    echo "$name r$r rss $(ps -o rss= -p $(pgrep -f 'serve --listen 127.0.0.1:18080'))"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
