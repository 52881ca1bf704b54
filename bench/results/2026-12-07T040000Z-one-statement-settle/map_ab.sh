#!/usr/bin/env bash
# map_ab.sh ROUNDS A B — the 200k group mapped to p05 (user: 180k licenses given) and the mapping
# deleted (180k taken back), through the admin API; a fresh server per binary, alternating
set -u
rounds=$1; a=$2; b=$3
. /work/data/p1.env
G=00000000-0000-4000-9000-000000000000
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then bin=$a; else bin=$b; fi
    psql -q "$URL" -c "VACUUM license_counts, license_dirty, licenses" 2>/dev/null
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin p1 >/dev/null
    t0=$(date +%s.%N)
    out=$(curl -s -w ' %{http_code}' -X POST -H "Authorization: Bearer $ADMIN" -H "Content-Type: application/json" \
      -d "{\"group\":\"$G\",\"product\":\"p05\",\"role\":\"user\"}" http://127.0.0.1:18080/admin/v1/mappings)
    t1=$(date +%s.%N)
    id=$(printf '%s' "${out% *}" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("id",""))' 2>/dev/null)
    used=$(curl -s -H "Authorization: Bearer $ADMIN" http://127.0.0.1:18080/admin/v1/products/p05 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("used", d))' 2>/dev/null)
    t2=$(date +%s.%N)
    code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $ADMIN" http://127.0.0.1:18080/admin/v1/mappings/$id)
    t3=$(date +%s.%N)
    echo "$v r$r map ${out##* } $(python3 -c "print(round($t1-$t0,2))") s; delete $code $(python3 -c "print(round($t3-$t2,2))") s"
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
