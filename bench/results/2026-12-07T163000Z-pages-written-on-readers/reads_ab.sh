#!/usr/bin/env bash
# reads_ab.sh ENV ORDER... — cpusplit.sh over the idp-reads equality filters at 1M users, one run
# per binary named in ORDER (base or new: /work/bin/<name>/gatehouse), in that order; ONLY picks the
# operations (default: the three heavy pages). Prints the CPU split and each operation's p50/p95/p99.
env=$1; shift
only=${ONLY:-eq_familyName,eq_department,eq_active_false}
repeats=${REPEATS:-1000}
here=/work/main/bench/results
for b in "$@"; do
  echo -n "$b "
  bash $here/2026-12-07T120000Z-write-groups-kept/cpusplit.sh /work/bin/$b/gatehouse $env -- \
    --scenario idp-reads --users 1000000 --repeats $repeats --only $only | cut -d'|' -f1
  python3 - /work/data/ab/split.json <<'PY'
import json,sys
d=json.load(open(sys.argv[1]))
for s in d['scenarios']:
  for k,v in sorted(s['operations'].items()):
    print(f"    {k:20} p50 {v['p50_ms']:6.2f} p95 {v['p95_ms']:6.2f} p99 {v['p99_ms']:6.2f} n {v['requests']}")
PY
done
