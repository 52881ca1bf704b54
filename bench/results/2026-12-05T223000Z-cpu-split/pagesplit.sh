#!/usr/bin/env bash
# Run from anywhere; expects /work/data/ENV.env (prep.sh of 2026-12-03T183000Z-start-index-jumps) and a server from serve.sh of 2026-12-04T163000Z-member-insert on port 18080.
# pagesplit.sh ENV SCHEMA KIND N: pages.py run; CPU per page of server, postgres, driver (no idle sleeps counted for the driver)
. /work/data/$1.env
SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu() { awk '{s+=$14+$15} END {print s}' $(for p in "$@"; do echo /proc/$p/stat; done) 2>/dev/null; }
PGS=$(pgrep -x postgres | tr "\n" " ")
s0=$(cpu $SP); p0=$(cpu $PGS)
/usr/bin/time -f "%U %S" -o /tmp/pycpu python3 /work/main/bench/results/2026-12-05T203000Z-touch-room/pages.py http://127.0.0.1:18080 $TOKEN postgres://postgres@127.0.0.1:5432/test $2 $3 $4 8
s1=$(cpu $SP); p1=$(cpu $(pgrep -x postgres | tr "\n" " "))
b=$(awk '{print ($1+$2)*1000000}' /tmp/pycpu)
echo "server $(( (s1-s0)*10000/$4 )) us/page, postgres $(( (p1-p0)*10000/$4 )) us/page, driver $(awk "BEGIN{print int($b/$4)}") us/page"
