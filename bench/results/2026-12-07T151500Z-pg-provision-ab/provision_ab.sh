#!/usr/bin/env bash
# provision_ab.sh ROUNDS BIN_A BIN_B — compare.sh's PostgreSQL half (provision 10,000 users, 100
# groups of 300, c=8; then 5,000 creates alone and 20,000 lookups alone), each binary on a fresh
# schema it migrated itself, alternating which goes first; CPU of server and postgres a request.
rounds=$1; A=$2; B=$3
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
D=/work/bin/base/gatehouse-bench
run() { # label bin
  local s="ab_$$_$1" url
  psql -h 127.0.0.1 -U postgres -d test -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s;"
  url="postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3D$s"
  "$2" migrate --database-url "$url" >/dev/null
  token="$("$2" directory create bench --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  RUST_LOG=warn "$2" serve --listen 127.0.0.1:18081 --database-url "$url" > /work/data/ab-serve.log 2>&1 &
  pid=$!
  for i in $(seq 1 100); do curl -sf http://127.0.0.1:18081/healthz >/dev/null && break; sleep 0.2; done
  b=http://127.0.0.1:18081/scim/v2
  s1=$(cpu_ns $pid); p1=$(cpu_ns $(pgrep -x postgres))
  $D --base $b --token "$token" --no-ceiling --scenario provision --users 10000 --groups 100 --members 300 --concurrency 8 --out /work/data/ab/prov.json >/dev/null 2>&1
  s2=$(cpu_ns $pid); p2=$(cpu_ns $(pgrep -x postgres))
  $D --base $b --token "$token" --no-ceiling --scenario create --first 5000000 --users 5000 --concurrency 8 --out /work/data/ab/create.json >/dev/null 2>&1
  s3=$(cpu_ns $pid); p3=$(cpu_ns $(pgrep -x postgres))
  python3 - "$1" $s1 $s2 $s3 $p1 $p2 $p3 <<'PY'
import json,sys
l=sys.argv[1]; s1,s2,s3,p1,p2,p3=map(int,sys.argv[2:])
out=[]
for name,f,ds,dp in (("provision","prov",s2-s1,p2-p1),("create","create",s3-s2,p3-p2)):
    d=json.load(open(f"/work/data/ab/{f}.json")); sc=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
    n=sc["requests"]; out.append(f"{name} {sc['req_per_s']:.0f}/s p99 {sc['p99_ms'] if 'p99_ms' in sc else ''} server {ds/1e3/n:.0f} us postgres {dp/1e3/n:.0f} us")
print(l, " | ".join(out))
PY
  kill $pid; wait $pid 2>/dev/null
  psql -h 127.0.0.1 -U postgres -d test -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $s CASCADE;"
}
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then run A "$A"; run B "$B"; else run B "$B"; run A "$A"; fi
done
