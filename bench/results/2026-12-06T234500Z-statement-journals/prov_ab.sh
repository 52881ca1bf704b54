#!/usr/bin/env bash
# prov_ab.sh ROUNDS A B — provision (10k users, 100 groups x 300) on a fresh SQLite db per run
set -u
rounds=$1; a=$2; b=$3
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then bin=$a; else bin=$b; fi
    rm -f /work/data/pab.db*
    $bin migrate --database-url sqlite:///work/data/pab.db >/dev/null
    tok=$($bin directory create bench --database-url sqlite:///work/data/pab.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    printf 'TOKEN=%s\nURL="sqlite:///work/data/pab.db"\n' $tok > /work/data/pab.env
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin pab >/dev/null
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    before=$(cpu_ns $pid)
    out=/work/data/ab/p-$v-$r.json
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $tok --scenario provision --users 10000 --groups 100 --members 300 --no-ceiling --out $out >/dev/null 2>&1
    after=$(cpu_ns $pid)
    python3 - "$out" "$v" "$r" "$before" "$after" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; srv=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
ops=" ".join(f"{k} {o['p50_ms']:.2f}/{o['p99_ms']:.1f}" for k,o in s["operations"].items() if k in ("create_user","add_members"))
print(f"{sys.argv[2]} r{sys.argv[3]} provision {s['req_per_s']:7.0f}/s {s['seconds']:.2f} s p99 {s['p99_ms']:.1f} errors {s['errors']} server {srv:6.1f} us/req | {ops}")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
