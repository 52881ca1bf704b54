#!/usr/bin/env bash
# Crash test: proves that no acknowledged write is lost when the server is
# killed with SIGKILL under write load, on SQLite and on PostgreSQL.
#
# Per database (SQLite: a fresh file in a temp dir; PostgreSQL: a fresh
# database made with createdb on 127.0.0.1:5432), one directory and one
# group, then R rounds on the same, growing database:
#
#   - start the server; N writers (threads of bench/crash_writer.py, one
#     keep-alive connection each) loop for up to S seconds: POST /Users with
#     a unique userName, then PATCH the group to add that user; every 2xx
#     answer (an acknowledged write) is written to a file as it arrives;
#   - after a random 2–6 s, `kill -9` the server; each writer records the
#     request that got no answer as unacknowledged and stops;
#   - restart the server on the same database and read everything back:
#     every acknowledged user by id (200, same userName), every
#     acknowledged member add in the group's members; the writes of earlier
#     rounds are checked again. Unacknowledged writes that exist anyway are
#     counted (fine: the commit landed, the answer did not).
#
#   bench/crash.sh [--binary PATH] [--rounds R] [--writers N] [--seconds S]
#                  [--databases sqlite,postgres] [--postgres URL]
#
# --binary uses an existing server binary (e.g. target/debug/gatehouse)
# instead of building release with bench/common.sh. Exits non-zero when an
# acknowledged write is missing after a restart (the details are in
# lost.txt). Loopback only; every server is stopped at the end; the
# PostgreSQL database is dropped unless something was lost (then it is kept
# for inspection, as is the SQLite file). Not part of CI.
# Results land in bench/results/<UTC timestamp>-crash/.
# Needs: python3; for PostgreSQL, createdb/dropdb (postgresql-client) and a
# server at 127.0.0.1:5432 that trusts the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=3 WRITERS=8 SECONDS_=10 BINARY="" DATABASES="sqlite,postgres"
PG_ADMIN="postgres://postgres@127.0.0.1:5432"
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) BINARY="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --writers) WRITERS="$2"; shift 2 ;;
        --seconds) SECONDS_="$2"; shift 2 ;;
        --databases) DATABASES="$2"; shift 2 ;;
        --postgres) PG_ADMIN="$2"; shift 2 ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
server="" writers="" pgdb="" keep=""
cleanup() {
    if [ -n "$writers" ]; then kill "$writers" 2>/dev/null || true; fi
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ -n "$keep" ]; then
        echo "kept for inspection: $work${pgdb:+ and PostgreSQL database $pgdb}" >&2
        return
    fi
    if [ -n "$pgdb" ]; then dropdb --if-exists --force -h "$pg_host" -p "$pg_port" -U "$pg_user" "$pgdb" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/common.sh
. bench/common.sh
if [ -n "$BINARY" ]; then
    GH="$BINARY"
    [ -x "$GH" ] || { echo "no executable at $GH" >&2; exit 2; }
else
    build_release
fi

out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-crash"
mkdir -p "$out"
cpu_line() { head -n 1 /proc/stat; }
stat_before="$(cpu_line)"
{
    echo "# $(date -u) — commit $(git rev-parse --short HEAD)$(git diff --quiet -- src migrations Cargo.toml Cargo.lock || echo ' (uncommitted changes in src/)')"
    echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); writers and server share the cores"
    echo "# binary: $GH ($(stat -c '%y' "$GH" | cut -d. -f1))"
    echo "# bench/crash.sh --rounds $ROUNDS --writers $WRITERS --seconds $SECONDS_ --databases $DATABASES${BINARY:+ --binary $BINARY}"
} > "$out/summary.txt"
cat "$out/summary.txt"

starts=0
serve() { # database-url -> sets $server and $addr
    starts=$((starts + 1))
    log="$work/serve-$(printf %03d "$starts").log"
    RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --database-url "$1" > "$log" 2>&1 &
    server=$!
    addr="$(wait_for "$log")" || exit 1
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
writer() { python3 bench/crash_writer.py "$@"; }

lost_total=0
run_database() { # name, database-url
    local name="$1" url="$2" directory token group base round delay ms status
    echo "== $name"
    directory="$("$GH" directory create "crash-$name" --database-url "$url" --json)"
    token="$(printf '%s' "$directory" | field token)"
    serve "$url"
    base="http://$addr/scim/v2"
    group="$(writer group "$base" "$token" "crash-$name")"
    local earlier=()
    for round in $(seq 1 "$ROUNDS"); do
        local dir="$work/$name-round$round"
        mkdir -p "$dir"
        writer write "$base" "$token" "$group" "$dir" --round "$round" \
            --writers "$WRITERS" --seconds "$SECONDS_" > "$dir/write.json" &
        writers=$!
        for _ in $(seq 1 100); do [ -f "$dir/started" ] && break; sleep 0.1; done
        ms=$((2000 + RANDOM % 4001))
        delay="$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
        sleep "$delay"
        kill -9 "$server"
        status=0; { wait "$server"; } 2>/dev/null || status=$?
        server=""
        wait "$writers"; writers=""

        serve "$url"
        base="http://$addr/scim/v2"
        status_ok=0
        writer verify "$base" "$token" "$group" --current "$dir"/writer-*.jsonl \
            ${earlier[@]+--earlier "${earlier[@]}"} > "$dir/verify.json" 2> "$dir/lost.txt" || status_ok=$?
        [ "$status_ok" -eq 0 ] || { echo "verification failed: $(cat "$dir/lost.txt")" >&2; keep=1; exit 1; }
        python3 - "$name" "$round" "$delay" "$status" "$dir/write.json" "$dir/verify.json" <<'PY' | tee -a "$out/summary.txt"
import json, sys
name, rnd, delay, status = sys.argv[1:5]
w = json.load(open(sys.argv[5]))
v = json.load(open(sys.argv[6]))
c, e = v["current"], v["earlier"]
print(f"{name:8} round {rnd}: SIGKILL after {delay} s (server exit {status}); "
      f"acknowledged {c['acknowledged']} ({c['acknowledged_users']} users, "
      f"{c['acknowledged_member_adds']} member adds), verified {c['verified']}, "
      f"lost {c['lost']}; unacknowledged {c['unacknowledged']} "
      f"({c['unacknowledged_present']} present anyway); rejected {c['rejected']}; "
      f"writers ran {w['seconds']} s, {c['writers_past_deadline']} of them reached the deadline without seeing the crash; "
      f"earlier rounds rechecked: {e['acknowledged']} acknowledged, {e['verified']} verified, "
      f"lost {e['lost']}; group has {v['group_members']} members")
PY
        local lost
        lost="$(python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(v["current"]["lost"] + v["earlier"]["lost"])' "$dir/verify.json")"
        if [ "$lost" -gt 0 ]; then
            lost_total=$((lost_total + lost))
            keep=1
            { echo "== $name round $round"; cat "$dir/lost.txt"; } >> "$out/lost.txt"
        fi
        # Kept with the results: the counts, every write that was not
        # acknowledged, and the server logs (the start after the crash too).
        cp "$dir/write.json" "$out/$name-round$round-write.json"
        cp "$dir/verify.json" "$out/$name-round$round-verify.json"
        cat "$dir"/writer-*.jsonl | grep -v '"state": "ack"' > "$out/$name-round$round-unacknowledged.jsonl" || true
        [ "$lost" -eq 0 ] || cat "$dir"/writer-*.jsonl | gzip -9 > "$out/$name-round$round-records.jsonl.gz"
        earlier+=("$dir"/writer-*.jsonl)
    done
    kill "$server"; wait "$server" 2>/dev/null || true
    server=""
    for f in "$work"/serve-*.log; do echo "==== $(basename "$f")"; cat "$f"; done | gzip -9 > "$out/$name-server-logs.txt.gz"
    rm -f "$work"/serve-*.log
}

IFS=',' read -r -a dbs <<< "$DATABASES"
for db in "${dbs[@]}"; do
    case "$db" in
        sqlite) run_database sqlite "sqlite://$work/crash.db" ;;
        postgres)
            pg_user="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).username or "postgres")' "$PG_ADMIN")"
            pg_host="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).hostname)' "$PG_ADMIN")"
            pg_port="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).port or 5432)' "$PG_ADMIN")"
            case "$pg_host" in 127.0.0.1|localhost|::1) ;; *) echo "PostgreSQL must be on loopback, not $pg_host" >&2; exit 2 ;; esac
            pgdb="gh_crash_$(date -u +%Y%m%d%H%M%S)_$$"
            createdb -h "$pg_host" -p "$pg_port" -U "$pg_user" "$pgdb"
            echo "# PostgreSQL database $pgdb on $pg_host:$pg_port ($(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pgdb" -Atc 'SHOW server_version' 2>/dev/null || echo '?'); fsync $(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pgdb" -Atc 'SHOW fsync' 2>/dev/null || echo '?'), synchronous_commit $(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pgdb" -Atc 'SHOW synchronous_commit' 2>/dev/null || echo '?'))" | tee -a "$out/summary.txt"
            run_database postgres "postgres://$pg_user@$pg_host:$pg_port/$pgdb"
            ;;
        *) echo "unknown database $db (sqlite or postgres)" >&2; exit 2 ;;
    esac
done

python3 - "$stat_before" "$(cpu_line)" <<'PY' | tee -a "$out/summary.txt"
import sys
ticks = lambda line: [int(x) for x in line.split()[1:]]
delta = [a - b for a, b in zip(ticks(sys.argv[2]), ticks(sys.argv[1]))]
print(f"steal during the runs: {delta[7] / sum(delta) * 100 if sum(delta) else 0:.1f}% of CPU time")
PY
if [ "$lost_total" -gt 0 ]; then
    echo "FAILED: $lost_total acknowledged writes lost (details in $out/lost.txt)" | tee -a "$out/summary.txt"
    exit 1
fi
echo "no acknowledged write lost" | tee -a "$out/summary.txt"
echo "results in $out"
