#!/usr/bin/env bash
# fresh_ab.sh SCENARIO ROUNDS A B — SCENARIO is `create` (10,000 creates at c=8 after 2,000 to warm
# up) or `provision` (10,000 users, 100 groups of 300); A and B are BIN or BIN:VAR=VALUE (a setting
# for that server). Each run on a fresh SQLite database; both binaries every round, the order
# reversed every other round; the server's CPU a request from its threads' schedstat.
set -u
scenario=$1; rounds=$2; a=$3; b=$4
drive() { /work/bin/base/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token "$tok" --no-ceiling "$@" >/dev/null 2>&1; }
cpu_ns() { cat /proc/$1/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%d", s}'; }
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for v in $order; do
    if [ $v = A ]; then spec=$a; else spec=$b; fi
    bin=${spec%%:*}; setting=${spec#*:}
    rm -f /work/data/fab.db*
    $bin migrate --database-url sqlite:///work/data/fab.db >/dev/null
    tok=$($bin directory create bench --database-url sqlite:///work/data/fab.db --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    printf 'TOKEN=%s\nURL="sqlite:///work/data/fab.db"\n' "$tok" > /work/data/fab.env
    if [ "$setting" != "$spec" ]; then export "$setting"; fi
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" fab >/dev/null
    if [ "$setting" != "$spec" ]; then unset "${setting%%=*}"; fi
    pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
    out=/work/data/ab/$scenario-$v-$r.json
    case $scenario in
      create)
        drive --scenario create --users 2000
        before=$(cpu_ns "$pid")
        drive --scenario create --first 1000000 --users 10000 --out "$out" ;;
      provision)
        before=$(cpu_ns "$pid")
        drive --scenario provision --users 10000 --groups 100 --members 300 --out "$out" ;;
    esac
    after=$(cpu_ns "$pid")
    python3 - "$out" "$v" "$r" "$before" "$after" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); s=[x for x in d["scenarios"] if x["scenario"]!="ceiling"][0]
n=s["requests"]; srv=(int(sys.argv[5])-int(sys.argv[4]))/1e3/n
ops=" ".join(f"{k} {o['p50_ms']:.2f}/{o['p99_ms']:.1f}" for k,o in s["operations"].items() if k in ("create_user","add_members"))
print(f"{sys.argv[2]} r{sys.argv[3]} {s['scenario']} {s['req_per_s']:7.0f}/s {s['seconds']:.2f} s p99 {s['p99_ms']:.1f} errors {s['errors']} server {srv:6.1f} us/req | {ops}")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
