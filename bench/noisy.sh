#!/usr/bin/env bash
# Noisy neighbour: does one directory's flood of costly reads hurt another
# directory's provisioning? Per database (SQLite: a fresh file in a temp
# dir; PostgreSQL: a fresh database made with createdb on 127.0.0.1:5432),
# one server and two directories, A and B:
#
#   - seed: A gets --seed users (default 20,000) by POST /Users from 8
#     clients, each user with two emails (bench/noisy_neighbour.py seed);
#   - phase 1, baseline: B creates --users users (default 2,000) by POST
#     /Users from 4 clients, every request timed;
#   - phase 2, flood: --flood clients of A (default 32, one token, one
#     keep-alive connection each) loop over two filters that scan all of
#     A's users, paged deep:
#       title co "x" or name.familyName co "zz"   count=100 startIndex=15000
#       emails[type eq "work" and value co "9"]   count=100 startIndex=5000
#     after --warmup seconds (default 5) B creates --users more users from
#     4 clients as in phase 1; the flood stops when B's phase ends.
#
# Reported per database: B's p50/p95/p99/max and errors in each phase, and
# A's requests by status (503/429 for A are expected: its reads queue
# behind its own share of the readers), for the whole flood and for B's
# window only. Every phase is capped at --cap seconds (default 300; the
# flood at cap + warmup); requests in flight at a cap are cut.
#
#   bench/noisy.sh [--binary PATH] [--databases sqlite,postgres] [--postgres URL]
#                  [--seed N] [--users N] [--flood N] [--warmup S] [--cap S]
#
# Without --binary: target/release/gatehouse if it is newer than the last
# commit (e.g. just built by floors.sh), otherwise a release build through
# bench/common.sh. Loopback only; every server is stopped at the end; the
# PostgreSQL database is dropped. Not part of CI. Results land in
# bench/results/<UTC timestamp>-noisy/ (summary.txt: machine, commands,
# figures, and the raw JSON of every phase).
# Needs: python3; for PostgreSQL, createdb/dropdb/psql (postgresql-client)
# and a server at 127.0.0.1:5432 that trusts the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

BINARY="" DATABASES="sqlite,postgres" SEED=20000 USERS=2000 FLOOD=32 WARMUP=5 CAP=300
PG_ADMIN="postgres://postgres@127.0.0.1:5432"
ARGS=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) BINARY="$2"; shift 2 ;;
        --databases) DATABASES="$2"; shift 2 ;;
        --postgres) PG_ADMIN="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --users) USERS="$2"; shift 2 ;;
        --flood) FLOOD="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --cap) CAP="$2"; shift 2 ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
tokA="" tokB="" server="" flood="" pgdb="" pg_host="" pg_port="" pg_user=""
stop_server() {
    [ -n "$server" ] || return 0
    kill "$server" 2>/dev/null || true
    # Graceful shutdown gives requests in flight up to 30 s; then no more.
    for _ in $(seq 1 400); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
}
cleanup() {
    if [ -n "$flood" ]; then kill "$flood" 2>/dev/null || true; wait "$flood" 2>/dev/null || true; fi
    stop_server
    if [ -n "$pgdb" ]; then dropdb --if-exists --force -h "$pg_host" -p "$pg_port" -U "$pg_user" "$pgdb" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/common.sh
. bench/common.sh
binary_note=""
if [ -n "$BINARY" ]; then
    GH="$BINARY"
    [ -x "$GH" ] || { echo "no executable at $GH" >&2; exit 2; }
    binary_note="given with --binary"
elif [ -x target/release/gatehouse ] && [ "$(stat -c %Y target/release/gatehouse)" -gt "$(git log -1 --format=%ct)" ]; then
    GH=./target/release/gatehouse
    binary_note="existing release build, newer than the last commit (not rebuilt)"
else
    build_release
    binary_note="built by bench/common.sh build_release"
fi

out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-noisy"
mkdir -p "$out"
cpu_line() { head -n 1 /proc/stat; }
stat_before="$(cpu_line)"
{
    echo "# $(date -u) — commit $(git rev-parse --short HEAD)$(git diff --quiet -- src migrations Cargo.toml Cargo.lock || echo ' (uncommitted changes in src/)')"
    echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); clients, server and database share the cores"
    echo "# binary: $GH ($(stat -c '%y' "$GH" | cut -d. -f1); $binary_note)"
    echo "# bench/noisy.sh${ARGS[*]:+ ${ARGS[*]}}"
    echo "#   seed $SEED users in A (8 clients), then per phase $USERS users in B (4 clients); flood: $FLOOD clients of A, warmup ${WARMUP} s, cap ${CAP} s per phase"
} > "$out/summary.txt"
cat "$out/summary.txt"
commands="$work/commands.txt"
: > "$commands"

serve() { # database-url -> sets $server and $addr
    RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --database-url "$1" > "$work/serve.log" 2>&1 &
    server=$!
    addr="$(wait_for "$work/serve.log")" || exit 1
    echo "RUST_LOG=warn,gatehouse=info $GH serve --listen 127.0.0.1:0 --database-url $1" >> "$commands"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
# CPU seconds the server process has used so far (user + system).
# The phase's CPU: the server's seconds (user + system) and how busy the
# whole machine was (clients and database included), from two /proc reads.
phase_cpu() { # server CPU before, /proc/stat line before -> JSON
    python3 - "$1" "$(server_cpu)" "$2" "$(cpu_line)" <<'PY'
import json, sys
t = lambda line: [int(x) for x in line.split()[1:]]
d = [a - b for a, b in zip(t(sys.argv[4]), t(sys.argv[3]))]
busy = (1 - (d[3] + d[4]) / sum(d)) * 100 if sum(d) else 0.0
print(json.dumps({"server_cpu_s": round(float(sys.argv[2]) - float(sys.argv[1]), 2),
                  "machine_busy_pct": round(busy, 1)}))
PY
}
server_cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$server/stat"; }
log_load() { # noisy_neighbour.py's arguments -> the command line, tokens elided
    local line="python3 bench/noisy_neighbour.py $*"
    line="${line//"$tokA"/\$TOKEN_A}"
    echo "${line//"$tokB"/\$TOKEN_B}" >> "$commands"
}
load() { # logged and run: noisy_neighbour.py with its arguments
    log_load "$@"
    python3 bench/noisy_neighbour.py "$@"
}

run_database() { # name, database-url
    local name="$1" url="$2" base cpu0 stat0 stop started
    echo "== $name"
    echo "# $name" >> "$commands"
    echo "$GH directory create noisy-a --database-url $url --json" >> "$commands"
    tokA="$("$GH" directory create noisy-a --database-url "$url" --json | field token)"
    echo "$GH directory create noisy-b --database-url $url --json" >> "$commands"
    tokB="$("$GH" directory create noisy-b --database-url "$url" --json | field token)"
    serve "$url"
    base="http://$addr/scim/v2"

    echo "-- seeding A with $SEED users"
    load seed "$base" "$tokA" --users "$SEED" --clients 8 --max-seconds 1200 > "$out/$name-seed.json" \
        || { echo "seeding failed: $(cat "$out/$name-seed.json")" >&2; exit 1; }

    echo "-- phase 1: B creates $USERS users, no flood"
    cpu0="$(server_cpu)" stat0="$(cpu_line)"
    load provision "$base" "$tokB" --users "$USERS" --clients 4 --tag baseline \
        --max-seconds "$CAP" --latencies "$work/$name-baseline-latencies.txt" > "$out/$name-baseline.json"
    phase_cpu "$cpu0" "$stat0" > "$out/$name-baseline-cpu.json"

    echo "-- phase 2: A floods with $FLOOD clients, B creates $USERS users"
    stop="$work/$name-stop" started="$work/$name-started"
    cpu0="$(server_cpu)" stat0="$(cpu_line)"
    local flood_args=(flood "$base" "$tokA" --clients "$FLOOD" --stop-file "$stop" --started-file "$started"
        --max-seconds "$((CAP + WARMUP + 10))" --requests "$work/$name-flood-requests.jsonl")
    log_load "${flood_args[@]}"
    echo "  (in the background, until B's phase below ends)" >> "$commands"
    python3 bench/noisy_neighbour.py "${flood_args[@]}" > "$out/$name-flood-a.json" &
    flood=$!
    for _ in $(seq 1 100); do [ -f "$started" ] && break; sleep 0.1; done
    sleep "$WARMUP"
    echo "sleep $WARMUP  # flood warming up" >> "$commands"
    load provision "$base" "$tokB" --users "$USERS" --clients 4 --tag flood \
        --max-seconds "$CAP" --latencies "$work/$name-flood-latencies.txt" > "$out/$name-flood-b.json"
    touch "$stop"
    wait "$flood"; flood=""
    phase_cpu "$cpu0" "$stat0" > "$out/$name-flood-cpu.json"
    python3 bench/noisy_neighbour.py window "$work/$name-flood-requests.jsonl" "$out/$name-flood-b.json" \
        > "$out/$name-flood-a-window.json"
    echo "rss_kib $(ps -o rss= -p "$server" | tr -d ' ')" > "$out/$name-rss.txt"

    stop_server
    gzip -9 < "$work/serve.log" > "$out/$name-server-log.txt.gz"
    gzip -9 < "$work/$name-flood-requests.jsonl" > "$out/$name-flood-a-requests.jsonl.gz"
    for phase in baseline flood; do gzip -9 < "$work/$name-$phase-latencies.txt" > "$out/$name-$phase-b-latencies.txt.gz"; done
}

IFS=',' read -r -a dbs <<< "$DATABASES"
for db in "${dbs[@]}"; do
    case "$db" in
        sqlite) run_database sqlite "sqlite://$work/noisy.db" ;;
        postgres)
            pg_user="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).username or "postgres")' "$PG_ADMIN")"
            pg_host="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).hostname)' "$PG_ADMIN")"
            pg_port="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).port or 5432)' "$PG_ADMIN")"
            case "$pg_host" in 127.0.0.1|localhost|::1) ;; *) echo "PostgreSQL must be on loopback, not $pg_host" >&2; exit 2 ;; esac
            pgdb="gh_noisy_$(date -u +%Y%m%d%H%M%S)_$$"
            createdb -h "$pg_host" -p "$pg_port" -U "$pg_user" "$pgdb"
            echo "createdb -h $pg_host -p $pg_port -U $pg_user $pgdb" >> "$commands"
            echo "# PostgreSQL database $pgdb on $pg_host:$pg_port ($(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pgdb" -Atc 'SHOW server_version' 2>/dev/null || echo '?'); max_connections $(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pgdb" -Atc 'SHOW max_connections' 2>/dev/null || echo '?'))" | tee -a "$out/summary.txt"
            run_database postgres "postgres://$pg_user@$pg_host:$pg_port/$pgdb"
            dropdb --if-exists --force -h "$pg_host" -p "$pg_port" -U "$pg_user" "$pgdb"
            pgdb=""
            ;;
        *) echo "unknown database $db (sqlite or postgres)" >&2; exit 2 ;;
    esac
done

python3 - "$out" "$DATABASES" "$stat_before" "$(cpu_line)" "$commands" <<'PY' | tee -a "$out/summary.txt"
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])
ticks = lambda line: [int(x) for x in line.split()[1:]]
delta = [a - b for a, b in zip(ticks(sys.argv[4]), ticks(sys.argv[3]))]
load = lambda p: json.loads((out / p).read_text())

print(f"steal during the runs: {delta[7] / sum(delta) * 100 if sum(delta) else 0:.1f}% of CPU time")
print()
print("B (POST /Users, 4 clients), latency in ms:")
print(f"{'database':9} {'phase':9} {'created':>8} {'errors':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'req/s':>7} {'server CPU s':>12} {'machine busy':>12}")
dbs = sys.argv[2].split(",")
for db in dbs:
    for phase, name in (("baseline", "baseline"), ("flood", "flood-b")):
        b = load(f"{db}-{name}.json")
        cpu = load(f"{db}-{phase}-cpu.json")
        print(f"{db:9} {phase:9} {b['created']:>8} {b['errors']:>6} {b['p50_ms']:>8.2f} {b['p95_ms']:>8.2f} "
              f"{b['p99_ms']:>8.2f} {b['max_ms']:>8.2f} {b['req_per_s']:>7.1f} {cpu['server_cpu_s']:>12.2f} "
              f"{cpu['machine_busy_pct']:>11.1f}%")
    base, fl = load(f"{db}-baseline.json"), load(f"{db}-flood-b.json")
    print(f"{'':9} under flood / baseline: p50 x{fl['p50_ms'] / base['p50_ms']:.1f}, "
          f"p99 x{fl['p99_ms'] / base['p99_ms']:.1f}, max x{fl['max_ms'] / base['max_ms']:.1f}")
print()
print("A (flood of scans):")
for db in dbs:
    a, w = load(f"{db}-flood-a.json"), load(f"{db}-flood-a-window.json")
    ok = a["ok_latency"]
    print(f"{db:9} whole flood: {a['seconds']:.1f} s, {a['requests']} requests "
          f"({a['answered_per_s']} answered/s, {a['ok_per_s']} ok/s), statuses {a['statuses']}; "
          f"200s p50 {ok.get('p50_ms')} p99 {ok.get('p99_ms')} max {ok.get('max_ms')} ms; "
          f"stopped by {a['stopped_by']}")
    print(f"{'':9} during B's phase: {w['seconds']:.1f} s, {w['answered']} answered "
          f"({w['answered_per_s']}/s), statuses {w['statuses']}")
    print(f"{'':9} first pages: " + "; ".join(f"{k}: {v}" for k, v in sorted(a["first_pages"].items())))
print()
print("Commands (tokens elided):")
print(pathlib.Path(sys.argv[5]).read_text().rstrip())
print()
print("Raw JSON per phase:")
for db in dbs:
    for part in ("seed", "baseline", "baseline-cpu", "flood-a", "flood-a-window", "flood-b", "flood-cpu"):
        print(f"--- {db}-{part}.json")
        print(json.dumps(load(f"{db}-{part}.json"), sort_keys=True))
PY
echo "results in $out"
