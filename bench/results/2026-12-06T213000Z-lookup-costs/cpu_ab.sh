#!/usr/bin/env bash
# cpu_ab.sh ENV ROUNDS A B — A and B are BIN or BIN:VAR=VALUE (a setting for that server). Per round
# both (the order reversed every other round): familyName+department pages ($PAGES each, 2,500 by
# default, c=8) and 100k userName lookups (c=8); the server's CPU a request from the sum of its
# threads' /proc/<pid>/task/*/schedstat (ns) around each run.
set -u
envname=$1; rounds=$2; a=$3; b=$4; pages=${PAGES:-2500}
. /work/data/$envname.env
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then spec=$a; else spec=$b; fi
    bin=${spec%%:*}; setting=${spec#*:}
    if [ "$setting" != "$spec" ]; then export "$setting"; fi
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $envname >/dev/null
    if [ "$setting" != "$spec" ]; then unset "${setting%%=*}"; fi
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    case "$URL" in sqlite*) f=${URL#sqlite://}; cat $f $f-wal > /dev/null 2>&1;; esac
    /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario idp-reads --users 1000000 --repeats 50 --only eq_familyName,eq_department --no-ceiling >/dev/null 2>&1
    for kind in pages lookups; do
      out=/work/data/ab/$v-$r-$kind.json
      before=$(cpu_ns $pid)
      if [ $kind = pages ]; then
        /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario idp-reads --users 1000000 --repeats $pages --only eq_familyName,eq_department --no-ceiling --out $out >/dev/null 2>&1
      else
        /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario lookup --users 1000000 --lookups 100000 --no-ceiling --out $out >/dev/null 2>&1
      fi
      after=$(cpu_ns $pid)
      python3 - "$out" "$v" "$r" "$kind" "$before" "$after" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; srv=(int(sys.argv[6])-int(sys.argv[5]))/1e3/n
ops=" ".join(f"{k} p50 {o['p50_ms']:.2f} p99 {o['p99_ms']:.2f}" for k,o in s["operations"].items())
print(f"{sys.argv[2]} r{sys.argv[3]} {sys.argv[4]:8} {s['req_per_s']:8.0f}/s server {srv:7.1f} us/req | {ops}")
PY
    done
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
