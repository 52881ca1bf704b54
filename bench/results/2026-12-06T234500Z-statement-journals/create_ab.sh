#!/usr/bin/env bash
# create_ab.sh ROUNDS N A B — A/B are BIN or BIN:VAR=VALUE; fresh SQLite db per run; N creates at c=8
set -u
rounds=$1; n=$2; a=$3; b=$4
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then spec=$a; else spec=$b; fi
    bin=${spec%%:*}; setting=${spec#*:}
    rm -f /work/data/cab.db*
    $bin migrate --database-url sqlite:///work/data/cab.db >/dev/null
    tok=$($bin directory create bench --database-url sqlite:///work/data/cab.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    printf 'TOKEN=%s\nURL="sqlite:///work/data/cab.db"\n' $tok > /work/data/cab.env
    if [ "$setting" != "$spec" ]; then export "$setting"; fi
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin cab >/dev/null
    if [ "$setting" != "$spec" ]; then unset "${setting%%=*}"; fi
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $tok --scenario create --users 2000 --no-ceiling >/dev/null 2>&1
    before=$(cpu_ns $pid)
    out=/work/data/ab/c-$v-$r.json
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $tok --scenario create --first 1000000 --users $n --no-ceiling --out $out >/dev/null 2>&1
    after=$(cpu_ns $pid)
    python3 - "$out" "$v" "$r" "$before" "$after" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; srv=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
print(f"{sys.argv[2]} r{sys.argv[3]} creates {s['req_per_s']:7.0f}/s p50 {s['p50_ms']:.2f} p99 {s['p99_ms']:.2f} errors {s['errors']} server {srv:7.1f} us/create")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
