#!/usr/bin/env bash
# touch.sh START ROUNDS — ROUNDS touches of 50 distinct users (ids START+r*50..), each committed, then
# ROUNDS title updates of 50 users one row at a time; prints ms per statement group (psql \timing).
start=$1; rounds=$2
{
echo "SET search_path = rs;"
echo '\timing on'
for r in $(seq 0 $((rounds-1))); do
  ids=$(python3 -c "print(','.join(\"'00000000-0000-4000-8000-%012d'\" % (${start}+${r}*50+k) for k in range(50)))")
  echo "UPDATE users SET version = version + 1, updated_at = (extract(epoch from clock_timestamp())*1000000)::bigint WHERE id = ANY(ARRAY[$ids]);"
done
for r in $(seq 0 $((rounds-1))); do
  echo "BEGIN;"
  for k in $(seq 0 49); do
    i=$((start + 500000 + r*50 + k))
    printf "UPDATE users SET attributes = jsonb_set(attributes::jsonb, '{title}', '\"T%s\"')::text, version = version + 1, updated_at = (extract(epoch from clock_timestamp())*1000000)::bigint WHERE id = '00000000-0000-4000-8000-%012d';\n" $r $i
  done
  echo "COMMIT;"
done
} | psql -q "postgres://postgres@127.0.0.1:5432/test" 2>&1 | grep -E "^Time" | awk -v R=$rounds '
  NR<=R {t+=$2; a[NR]=$2} NR>R {s+=$2}
  END {n=asort(a); printf "touch50: mean %.2f ms, median %.2f, max %.2f | title single-row updates: %.3f ms each (incl BEGIN/COMMIT)\n", t/R, a[int((n+1)/2)], a[n], s/(R*52)}'
