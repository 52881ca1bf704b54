#!/usr/bin/env bash
# Run from anywhere; expects /work/data/ENV.env (prep.sh of 2026-12-03T183000Z-start-index-jumps) and a server from serve.sh of 2026-12-04T163000Z-member-insert on port 18080.
# srvsplit.sh ENV KIND N START [EXTRA]: drive.py run; server and PostgreSQL CPU per page
. /work/data/$1.env
SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu() { awk '{s+=$14+$15} END {print s}' $(for p in "$@"; do echo /proc/$p/stat; done) 2>/dev/null; }
PGS=$(pgrep -x postgres | tr "\n" " ")
s0=$(cpu $SP); p0=$(cpu $PGS)
python3 "$(dirname "$0")"/drive.py http://127.0.0.1:18080 $TOKEN $2 $3 $4 "$5"
s1=$(cpu $SP); p1=$(cpu $PGS)
echo "server $(( (s1-s0)*10000/$3 )) us/page, postgres $(( (p1-p0)*10000/$3 )) us/page"
