#!/bin/bash
# ab_idp.sh ENV ROUNDS BIN... — idp-reads, a fresh server per binary and round, alternating
envn=$1; rounds=$2; shift 2
for r in $(seq 1 $rounds); do for b in "$@"; do
  bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $b $envn >/dev/null
  ENVN=$envn /tmp/idp.sh /tmp/ab_$(basename $b)_$r.json > /dev/null
  echo "round $r $(basename $b): $(python3 /tmp/idpsum.py /tmp/ab_$(basename $b)_$r.json)"
done; done
