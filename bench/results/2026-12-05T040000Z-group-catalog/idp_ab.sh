#!/bin/bash
# idp_ab.sh ROUNDS BIN... — ../2026-12-05T005500Z-stored-text/nice_ab.sh as run: idp-reads at 1M (repeats 50, as floors.sh) per binary, alternated; database file read first
. /work/data/s.env
for r in $(seq 1 $1); do for bin in "${@:2}"; do
  cat /work/data/s.db /work/data/s.db-wal > /dev/null 2>&1
  bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin s > /dev/null
  python3 /work/main/bench/results/2026-12-04T175000Z-postgres-page/par_path.py /work/data/s.env '/scim/v2/Users?count=100&filter=name.familyName%20eq%20%22Family{i}%22' 2 5 997 > /dev/null
  /work/bin/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario idp-reads --users 1000000 --repeats 50 --no-ceiling --out /work/prof/idp-$r.json > /dev/null 2>&1
  python3 -c "
import json;o=json.load(open('/work/prof/idp-$r.json'))['scenarios'][0]['operations']
print('round $r $(basename $bin):', ' '.join(f\"{k[3:]} {o[k]['p50_ms']:.1f}/{o[k]['p99_ms']:.1f}\" for k in ['eq_active_false','eq_department','eq_familyName','eq_manager_value','eq_userName']))"
done; done
pkill -f "serve --listen 127.0.0.1:18080"
