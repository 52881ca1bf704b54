#!/usr/bin/env bash
# f8.sh VARIANT (plain|checkpoint): floors.sh's PostgreSQL preparation, then its three lookup runs
# on a fresh server, with pg_stat_bgwriter's backend writes around each run.
set -euo pipefail
v=$1; S=f8$v; BASE=postgres://postgres@127.0.0.1:5432/test
psql -q $BASE -c "DROP SCHEMA IF EXISTS $S CASCADE" -c "CREATE SCHEMA $S" 2>/dev/null
URL="$BASE?options=-csearch_path%3D$S"
GH=/work/bin/new/gatehouse bash /work/main/bench/results/2026-12-03T183000Z-start-index-jumps/prep.sh "$URL" $S > /dev/null
psql -q "$URL" -c "VACUUM ANALYZE users, memberships, persons, licenses, license_dirty, license_counts, user_value_counts, user_modified_at"
[ "$v" = checkpoint ] && psql -q $BASE -c "CHECKPOINT"
sed -i "s|^URL=\(.*\)$|URL='\1'|" /work/data/$S.env
bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh /work/bin/new/gatehouse $S > /dev/null
. /work/data/$S.env
dir=$(psql -At $BASE -c "SHOW data_directory")
psql -At $BASE -c "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname='$S' AND pg_relation_filepath(c.oid) IS NOT NULL" | while read r; do cat $dir/$r $dir/$r.[0-9]* 2>/dev/null > /dev/null || true; done
bw() { psql -At $BASE -c "select buffers_backend from pg_stat_bgwriter"; }
for run in 1 2 3; do
  b1=$(bw)
  /work/bin/new/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$TOKEN" --concurrency 8 --scenario lookup --users 1000000 --lookups 50000 --out /work/data/f8-$v-$run.json > /dev/null 2>&1
  b2=$(bw)
  curl -s -H "Authorization: Bearer $ADMIN" http://127.0.0.1:18080/metrics | grep -a "gatehouse_group_catalog_groups_total\|gatehouse_worker_lookups_total\|gatehouse_worker_lookup" | head -6 | sed "s/^/    run $run: /"
  python3 -c "
import json;d=json.load(open('/work/data/f8-$v-$run.json'));s=[x for x in d['scenarios'] if x['scenario']!='ceiling'][0];c=[x for x in d['scenarios'] if x['scenario']=='ceiling'][0]
print('$v run $run', 'ceiling', c['req_per_s'], 'lookups/s', s['req_per_s'], 'p50', s['operations']['lookup']['p50_ms'], 'p99', s['operations']['lookup']['p99_ms'], 'backend writes', $b2-$b1)"
done
pkill -f "serve --listen 127.0.0.1:18080" || true
psql -q $BASE -c "DROP SCHEMA $S CASCADE" 2>/dev/null
