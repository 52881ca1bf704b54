#!/usr/bin/env bash
# Two replicas on one PostgreSQL database behind a proxy (the layout of
# docker-compose.yml, run natively on this machine): no acknowledged write
# lost, none doubled.
#
#   - a fresh database (createdb); both servers started at the same moment
#     on it (their migrations race: the advisory lock must let both start);
#   - bench/proxy.py in front, handing connections to the replicas in turn;
#   - N writers (bench/crash_writer.py, one keep-alive connection each,
#     so half land on each replica) loop for S seconds through the proxy:
#     POST /Users with a unique userName, then PATCH one shared group to add
#     that user (every member add races the other replica's);
#   - then, through each replica directly: every acknowledged user is there
#     by id, every acknowledged member add is in the group, and both
#     replicas count the same users, exactly as many as were acknowledged.
#
#   bench/replicas.sh [--binary PATH] [--writers N] [--seconds S] [--postgres URL]
#
# Loopback only; stops every process it starts; drops its database unless
# a check failed. Results land in bench/results/<UTC timestamp>-replicas/.
# Not part of CI (tests/integration/operations/replicas.rs drives two
# replicas in CI). Needs python3, createdb/dropdb and PostgreSQL on
# 127.0.0.1:5432 trusting the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

WRITERS=8 SECONDS_=20 BINARY="" PG_ADMIN="postgres://postgres@127.0.0.1:5432"
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) BINARY="$2"; shift 2 ;;
        --writers) WRITERS="$2"; shift 2 ;;
        --seconds) SECONDS_="$2"; shift 2 ;;
        --postgres) PG_ADMIN="$2"; shift 2 ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
a="" b="" proxy="" pgdb="" keep=""
cleanup() {
    for p in $proxy $a $b; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    if [ -n "$keep" ]; then echo "kept for inspection: $work and database $pgdb" >&2; return; fi
    if [ -n "$pgdb" ]; then dropdb --if-exists --force -h 127.0.0.1 -U postgres "$pgdb" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/common.sh
. bench/common.sh
if [ -n "$BINARY" ]; then GH="$BINARY"; else build_release; fi

start_results replicas "replicas, proxy, writers and PostgreSQL" "bench/replicas.sh --writers $WRITERS --seconds $SECONDS_${BINARY:+ --binary $BINARY}"
cat "$out/summary.txt"

pgdb="gh_replicas_$(date -u +%Y%m%d%H%M%S)_$$"
createdb -h 127.0.0.1 -U postgres "$pgdb"
url="${PG_ADMIN%/}/$pgdb"

# Both at once, on an empty database.
RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --database-url "$url" > "$work/a.log" 2>&1 &
a=$!
RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --database-url "$url" > "$work/b.log" 2>&1 &
b=$!
addr_a="$(wait_for "$work/a.log")" || { keep=1; exit 1; }
addr_b="$(wait_for "$work/b.log")" || { keep=1; exit 1; }
echo "replicas on $addr_a and $addr_b, both started on an empty database" | tee -a "$out/summary.txt"

python3 bench/proxy.py "$work/proxy.port" "$addr_a" "$addr_b" &
proxy=$!
for _ in $(seq 1 50); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
front="http://127.0.0.1:$(cat "$work/proxy.port")/scim/v2"

token="$("$GH" directory create replicas --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
group="$(python3 bench/crash_writer.py group "$front" "$token" replicated)"
python3 bench/crash_writer.py write "$front" "$token" "$group" "$work/writes" --round 1 \
    --writers "$WRITERS" --seconds "$SECONDS_" > "$work/write.json"

status=0
for side in a b; do
    addr="$addr_a"; [ "$side" = b ] && addr="$addr_b"
    python3 bench/crash_writer.py verify "http://$addr/scim/v2" "$token" "$group" \
        --current "$work"/writes/writer-*.jsonl > "$work/verify-$side.json" 2> "$work/lost-$side.txt" || status=1
done
python3 - "$work/write.json" "$work/verify-a.json" "$work/verify-b.json" "$addr_a" "$addr_b" "$token" <<'PY' | tee -a "$out/summary.txt" || status=1
import http.client, json, sys
w = json.load(open(sys.argv[1]))
va, vb = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
token = sys.argv[6]
def total(addr):
    host, port = addr.rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    c.request("GET", "/scim/v2/Users?count=0", headers={"Authorization": f"Bearer {token}"})
    return json.loads(c.getresponse().read())["totalResults"]
ta, tb = total(sys.argv[4]), total(sys.argv[5])
cur = va["current"]
acked_users = cur["acknowledged_users"]
present_anyway = cur["unacknowledged_present"]
print(f"writers ran {w['seconds']} s through the proxy: acknowledged {cur['acknowledged']} "
      f"({acked_users} users, {cur['acknowledged_member_adds']} member adds), rejected {cur['rejected']}, "
      f"unacknowledged {cur['unacknowledged']}")
print(f"replica A: verified {va['current']['verified']}, lost {va['current']['lost']}, group has {va['group_members']} members, {ta} users")
print(f"replica B: verified {vb['current']['verified']}, lost {vb['current']['lost']}, group has {vb['group_members']} members, {tb} users")
ok = (va["current"]["lost"] == 0 and vb["current"]["lost"] == 0 and ta == tb
      and acked_users <= ta <= acked_users + present_anyway and va["group_members"] == vb["group_members"])
print("no acknowledged write lost, none doubled" if ok else "FAILED: see above")
sys.exit(0 if ok else 1)
PY
for side in a b; do gzip -9 < "$work/$side.log" > "$out/replica-$side-log.txt.gz"; done
if [ "$status" -ne 0 ]; then
    keep=1
    cat "$work"/lost-*.txt >&2
    exit 1
fi
echo "results in $out"
