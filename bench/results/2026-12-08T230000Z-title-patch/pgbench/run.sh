#!/usr/bin/env bash
# run.sh SCRIPT SECONDS [CLIENTS]: pgbench -M prepared on schema p1; tps and the machine's busy CPU
# (all processes) a transaction, from /proc/stat
busy() { awk '/^cpu / {print ($2+$3+$4+$7+$8)*10000}' /proc/stat; }  # in us (USER_HZ 100)
a=$(busy)
out=$(PGOPTIONS="-csearch_path=p1" pgbench -h 127.0.0.1 -U postgres -n -c ${3:-8} -j 2 -M prepared -T $2 -f $1 test 2>&1)
b=$(busy)
tx=$(echo "$out" | awk '/number of transactions actually processed/ {print $NF}' | cut -d/ -f1)
tps=$(echo "$out" | awk '/^tps/ {print $3}')
echo "$1 c=${3:-8} tps $tps transactions $tx busy_cpu_us_per_tx $(( (b-a)/tx ))"
