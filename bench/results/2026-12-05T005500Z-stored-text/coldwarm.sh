#!/bin/bash
# coldwarm.sh ROUNDS: idp-reads at 1M after 90 s idle (kdamond pages out file pages idle >= 60 s) vs right after reading the database file
. /work/data/s.env
show() { python3 -c "
import json;d=json.load(open('$1'));o=d['scenarios'][0]['operations']
print('$2', ' '.join(f\"{k[3:]} {o[k]['p50_ms']:.1f}/{o[k]['p99_ms']:.1f}\" for k in ['eq_active_false','eq_department','eq_familyName','eq_manager_value','eq_userName']), 'import', d['scenarios'][0].get('import_seconds'))"; }
for r in $(seq 1 $1); do
  sleep 90; fincore /work/data/s.db | tail -1
  /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario idp-reads --users 1000000 --repeats 50 --no-ceiling --out /work/prof/cw-idle-$r.json > /dev/null 2>&1
  show /work/prof/cw-idle-$r.json "round $r idle90:"
  sleep 90; cat /work/data/s.db /work/data/s.db-wal > /dev/null; fincore /work/data/s.db | tail -1
  /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario idp-reads --users 1000000 --repeats 50 --no-ceiling --out /work/prof/cw-warm-$r.json > /dev/null 2>&1
  show /work/prof/cw-warm-$r.json "round $r warmed:"
done
