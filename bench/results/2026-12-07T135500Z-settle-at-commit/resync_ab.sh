#!/usr/bin/env bash
# resync_ab.sh ENV ROUNDS — cpusplit.sh's resync of 300,000 users, base (trigger off) and new
# (trigger on) alternating which goes first.
env=$1; rounds=${2:-3}; here=$(dirname "$0"); split=$here/../2026-12-07T120000Z-write-groups-kept/cpusplit.sh
for r in $(seq 1 $rounds); do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for b in $order; do
    [ $b = base ] && bash $here/trigger.sh $env off 2>/dev/null || bash $here/trigger.sh $env on
    bash $split /work/bin/$b/gatehouse $env -- --scenario resync --users 300000 --groups 1000 | sed "s/^/$b r$r /"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
