#!/usr/bin/env bash
# writes_ab.sh ENV ROUNDS — title PATCHes, deactivations and reactivations (writes_split.sh, 4,000
# each, 8 threads), base (trigger off) and new (trigger on) alternating which goes first.
env=$1; rounds=${2:-3}; here=$(dirname "$0"); split=$here/../2026-12-07T120000Z-write-groups-kept/writes_split.sh
first=600000
for r in $(seq 1 $rounds); do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for b in $order; do
    [ $b = base ] && bash $here/trigger.sh $env off || bash $here/trigger.sh $env on
    bash $split /work/bin/$b/gatehouse $env $first 4000 title | sed "s/^/$b /"
    bash $split /work/bin/$b/gatehouse $env $((first + 4000)) 4000 deact | sed "s/^/$b /"
    bash $split /work/bin/$b/gatehouse $env $((first + 4000)) 4000 react | sed "s/^/$b /"
    first=$((first + 8000))
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
