#!/usr/bin/env bash
# ab_idp.sh ENV ROUNDS BIN... — the whole idp-reads scenario (or ONLY=op,op… of it), a fresh
# server per binary and round, binaries alternating; ENV names /work/data/ENV.env (prep.sh).
# GHB: the load driver (default target/release/gatehouse-bench).
set -euo pipefail
here="$(dirname "$0")"
envn=$1; rounds=$2; shift 2
. "/work/data/$envn.env"
only=(); if [ -n "${ONLY:-}" ]; then only=(--only "$ONLY"); fi
for r in $(seq 1 "$rounds"); do for b in "$@"; do
  bash "$here/../2026-12-04T163000Z-member-insert/serve.sh" "$b" "$envn" > /dev/null
  out="/tmp/ab_$(basename "$b")_$r.json"
  "${GHB:-target/release/gatehouse-bench}" --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" \
    --scenario idp-reads --users 1000000 --repeats "${REPEATS:-200}" --no-ceiling "${only[@]}" \
    --out "$out" > /dev/null 2>&1
  echo "round $r $(basename "$b"): $(python3 "$here/idpsum.py" "$out")"
done; done
