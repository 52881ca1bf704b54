#!/usr/bin/env bash
# logadd.sh ENV BIN FIRST: one add+remove of 50 with every statement logged (after 5 unlogged rounds)
env=$1; bin=$2; first=$3
mp=/work/main/bench/results/2026-12-05T163000Z-first-write/mp.py
. /work/data/$env.env
bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh $bin $env >/dev/null
python3 $mp http://127.0.0.1:18080 $TOKEN 5 $first
psql -q postgres://postgres@127.0.0.1:5432/test -c "ALTER SYSTEM SET log_min_duration_statement=0" -c "select pg_reload_conf()" >/dev/null
L=/var/log/postgresql/postgresql-15-main.log; n=$(wc -l < $L)
python3 $mp http://127.0.0.1:18080 $TOKEN 1 $((first+1000))
psql -q postgres://postgres@127.0.0.1:5432/test -c "ALTER SYSTEM RESET log_min_duration_statement" -c "select pg_reload_conf()" >/dev/null
tail -n +$n $L | grep duration | sed 's/^.*LOG:  //' | cut -c1-150 > /tmp/add.log
