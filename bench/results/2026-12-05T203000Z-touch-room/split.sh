#!/usr/bin/env bash
# split.sh KIND N: CPU of the server and of all postgres processes over a pages.py run (us a page)
. /work/data/f1.env
SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu() { awk '{s+=$14+$15} END {print s}' $(for p in "$@"; do echo /proc/$p/stat; done) 2>/dev/null; }
# PostgreSQL's processes by name only: `pgrep -f "postgres:"` (used here
# until 2026-12-05T223000Z) also matched the server, whose command line
# holds its postgres:// URL, and counted its CPU twice.
PGS=$(pgrep -x postgres | tr '\n' ' ')
s0=$(cpu $SP); p0=$(cpu $PGS)
python3 "$(dirname "$0")"/pages.py http://127.0.0.1:18080 $TOKEN postgres://postgres@127.0.0.1:5432/test f1 $1 $2 8
s1=$(cpu $SP); p1=$(cpu $PGS)
echo "server $(( (s1-s0)*10000/$2 )) us/page, postgres $(( (p1-p0)*10000/$2 )) us/page (ticks incl. the 22 s of idle around the run)"
