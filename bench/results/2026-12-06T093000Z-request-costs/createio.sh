#!/usr/bin/env bash
# createio.sh GH [N]: a fresh SQLite database (EXTRA_SQL, if set, applied after
# migrating), N creates at c=8 on port 18080; bytes written (wchar) and write
# calls a create (the writer's and the checkpointer's), the writer thread's CPU a
# create; leaves a copy of the database and its WAL in /work/data/snap.db* for
# walstat.py.
GH=$1; N=${2:-10000}
DRIVER=/work/main/target/release/gatehouse-bench
pkill -f "serve --listen 127.0.0.1:18080"; while pgrep -f "serve --listen 127.0.0.1:18080" >/dev/null; do sleep 0.2; done
rm -f /work/data/ci.db*; U='sqlite:///work/data/ci.db'
$GH migrate --database-url "$U" >/dev/null; [ -n "$EXTRA_SQL" ] && sqlite3 /work/data/ci.db < "$EXTRA_SQL"
T=$($GH directory create bench --database-url "$U" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
RUST_LOG=warn $GH serve --listen 127.0.0.1:18080 --database-url "$U" > /work/data/p.log 2>&1 &
for i in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
SP=$(pgrep -f "serve --listen 127.0.0.1:18080")
$DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --no-ceiling --scenario create --first 900000 --users 1000 > /dev/null 2>&1
WT=$(for t in /proc/$SP/task/*; do [ "$(cat $t/comm)" = gatehouse-write ] && basename $t; done)
io() { awk '/^wchar|^syscw/ {printf "%s ", $2}' /proc/$SP/io; awk '{print $14+$15}' /proc/$SP/task/$WT/stat; }
read w0 s0 c0 <<< "$(io)"
$DRIVER --base http://127.0.0.1:18080/scim/v2 --token $T --concurrency 8 --no-ceiling --scenario create --users $N --out /tmp/ci.json > /dev/null 2>&1
read w1 s1 c1 <<< "$(io)"
python3 -c "
import json; s=json.load(open('/tmp/ci.json'))['scenarios'][0]; n=s['requests']
print(f\"{s['req_per_s']} creates/s p99 {s['p99_ms']} ms; {($w1-$w0)/n/1024:.1f} KiB written a create, {($s1-$s0)/n:.2f} writes a create, writer CPU {($c1-$c0)*10000/n:.0f} us a create\")"
cp /work/data/ci.db /work/data/snap.db; cp /work/data/ci.db-wal /work/data/snap.db-wal
pkill -f "serve --listen 127.0.0.1:18080"
