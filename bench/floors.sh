#!/usr/bin/env bash
# Runs the floors of the scale issue (#19) on SQLite and on PostgreSQL and
# says, floor by floor and database by database, what was measured and
# whether it holds. Each database gets the same dataset, seeded directly
# (bench/seed_users.py --groups): 1,000,000 users (10% deactivated, 2%
# contractors, 1% modified in the last hour), 1,000 groups of which one
# holds 200,000 members, 20 products each mapped from one group, the big
# group's product capped at 250,000 licenses.
#
#   bench/floors.sh [--databases sqlite,postgres] [--users N] [--repeats N]
#                   [--filter-repeats N] [--lookups N] [--with-provision]
#                   [--with-resync]
#
# Floors measured here:
#   3  auditor filters: first page of 100 with totalResults p99 < 50 ms,
#      full cursor walk < 60 s (gatehouse-bench --scenario auditor);
#   4  reports' first page < 200 ms; license counts < 10 ms;
#   5  GET /Users?count=1 p99 < 10 ms; startIndex pages of 100, first to
#      last, p99 < 50 ms and the import < 10 min; equality filters p99 < 10 ms
#      (gatehouse-bench --scenario idp-reads, 200 requests a filter: the p99
#      of 50 would be the slowest one);
#   6  member PATCH of the 200k group (add 50, remove 50, as Entra sends it)
#      p99 < 10 ms; 8 clients reading the group grow RSS by < 20 MB;
#   7  resync of every user < 120 s (only with --with-resync: ~1M requests);
#   8  userName eq p99 < 2 ms (c=8, three runs); SQLite RSS < 150 MB
#      throughout.
# Floors 1 and 2 (provision against the peer, fractions of the ceiling)
# are bench/compare.sh's; --with-provision runs it (its files under
# compare/) and adds its summary and a verdict for each.
#
# Loopback only, one server at a time, every server stopped at the end; the
# PostgreSQL dataset lives in a schema of its own, dropped at the end.
# Results land in bench/results/<stamp>-floors/. Needs: the Rust toolchain,
# python3, psql, PostgreSQL at 127.0.0.1:5432 (trust auth, database test),
# ~3 GB of free disk in $TMPDIR. Takes ~15 minutes per database at 1M users.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASES=sqlite,postgres USERS=1000000 REPEATS=50 FILTER_REPEATS=200 LOOKUPS=50000
WITH_PROVISION=0 WITH_RESYNC=0
while [ $# -gt 0 ]; do
    case "$1" in
        --databases) DATABASES="$2"; shift 2 ;;
        --users) USERS="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --filter-repeats) FILTER_REPEATS="$2"; shift 2 ;;
        --lookups) LOOKUPS="$2"; shift 2 ;;
        --with-provision) WITH_PROVISION=1; shift ;;
        --with-resync) WITH_RESYNC=1; shift ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done

stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
work="$(mktemp -d)"
server=""
pg_schema="floors_$(date +%s)_$$"
PG_BASE="postgres://postgres@127.0.0.1:5432/test"
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    psql -q "$PG_BASE" -c "DROP SCHEMA IF EXISTS $pg_schema CASCADE" > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

out="bench/results/$stamp-floors"
mkdir -p "$out"

# shellcheck source=bench/common.sh
. bench/common.sh
build_release

cpu_line() { head -n 1 /proc/stat; }
stat_before="$(cpu_line)"
{
    echo "# $(date -u) — commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')"
    echo "# kdamond (proactive page-out of idle file pages): $(cat /sys/kernel/mm/damon/admin/kdamonds/0/state 2>/dev/null || echo absent)"
    echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); driver and server share the cores"
    echo "# bench/floors.sh --databases $DATABASES --users $USERS --repeats $REPEATS --filter-repeats $FILTER_REPEATS --lookups $LOOKUPS"
} > "$out/commands.txt"

field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
rss_kib() { ps -o rss= -p "$server" | tr -d ' '; }
note_rss() { echo "$1 $(rss_kib)" >> "$out/$db-rss.txt"; }

# This kind of machine runs kdamond with a `pageout` scheme: file pages
# nobody read for ~60 s leave the OS cache even with most memory free
# (/sys/kernel/mm/damon/admin/kdamonds/0). A 1M-user database is then
# partly on disk whenever a step starts after a pause or after the seed,
# and which part differs from run to run (90 idle seconds: familyName
# pages p50 19.0 ms, read back first 11.7; 2026-12-05T005500Z-stored-text).
# Each step reads the database's files first, so every step measures the
# server with its data in memory; how much was still cached goes in
# commands.txt.
warm_files() { # step name
    local files=()
    case "$db" in
        sqlite) files=("$work"/floors.db "$work"/floors.db-wal) ;;
        postgres)
            local dir
            dir="$(psql -At "$PG_BASE" -c "SHOW data_directory")"
            while read -r rel; do
                # The relation's file, its 1 GB segments and its forks
                # (`_fsm`, `_vm`); a bare `*` would take in relations whose
                # number starts with the same digits. Unmatched patterns
                # stay literal and are dropped below.
                [ -n "$rel" ] && files+=("$dir/$rel" "$dir/$rel".[0-9]* "$dir/$rel"_*)
            done < <(psql -At "$PG_BASE" -c "SELECT pg_relation_filepath(c.oid) FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = '$pg_schema' AND pg_relation_filepath(c.oid) IS NOT NULL")
            ;;
    esac
    local present=()
    for f in "${files[@]}"; do [ -f "$f" ] && present+=("$f"); done
    [ "${#present[@]}" -gt 0 ] || return 0
    if command -v fincore > /dev/null; then
        echo "# $db $1: cached before the read: $(fincore -b -n -o RES,SIZE "${present[@]}" |
            awk '{r += $1; s += $2} END {printf "%.0f of %.0f MB", r / 1048576, s / 1048576}')" >> "$out/commands.txt"
    fi
    cat "${present[@]}" > /dev/null
}

serve() { # database-url -> sets $server and $addr
    RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --database-url "$1" > "$work/serve.log" 2>&1 &
    server=$!
    addr="$(wait_for "$work/serve.log")" || exit 1
}
stop() {
    kill "$server"; wait "$server" 2>/dev/null || true
    server=""
}
drive() { # name, then driver flags
    local name="$1"; shift
    warm_files "$name"
    echo "gatehouse-bench $*" >> "$out/commands.txt"
    "$DRIVER" --base "http://$addr/scim/v2" --token "$token" --concurrency 8 \
        --out "$out/$db-$name.json" "$@" > /dev/null
}

# The dataset: users, groups and memberships seeded; a site, 20 products
# and their mappings made with the CLI, as an operator would.
prepare() { # database-url
    local url="$1"
    "$GH" migrate --database-url "$url" > /dev/null
    local directory
    directory="$("$GH" directory create bench --database-url "$url" --json)"
    token="$(printf '%s' "$directory" | field token)"
    local seed_started=$SECONDS
    python3 bench/seed_users.py "$url" "$(printf '%s' "$directory" | field id)" "$USERS" --groups 1000 > /dev/null
    "$GH" site add Bench --database-url "$url" > /dev/null
    for g in $(seq 0 19); do
        local key
        key="$(printf 'p%02d' "$g")"
        if [ "$g" = 0 ]; then
            "$GH" product add "$key" --site Bench --license-cap 250000 --database-url "$url" > /dev/null
        else
            "$GH" product add "$key" --site Bench --database-url "$url" > /dev/null
        fi
        "$GH" map "Bench Group $g" "$key" user --database-url "$url" > /dev/null
    done
    admin="$("$GH" admin-token create --name floors --database-url "$url" --json | field token)"
    if [ "$db" = postgres ]; then
        # Mapping the groups touched their 1M members and settled their
        # licenses: ~220k dead rows in users and license_dirty, whose
        # 180 MB of dead index entries made every write's settle 4–6 ms
        # slower; the seed's fold of the kept values leaves 3M dead rows
        # in user_value_counts (a run with them there: the auditor's
        # lastModified first page 164 ms p50; vacuumed, 53). Autovacuum
        # clears them within minutes; it is off on this machine's
        # PostgreSQL (`SHOW autovacuum`), so vacuum as it would. The
        # touches also left ~225k dead rows in user_modified_at (000025),
        # which every `meta.lastModified` filter probes: the auditor's
        # first page 26.0 ms p50 with them (2026-12-05T053107Z-floors),
        # 4.6 vacuumed.
        psql -q "$url" -c "VACUUM ANALYZE users, memberships, persons, licenses, license_dirty, license_counts, user_value_counts, user_modified_at"
    fi
    echo "# $db: seeded and mapped in $((SECONDS - seed_started)) s" >> "$out/commands.txt"
}

run_database() { # sqlite | postgres
    db="$1"
    local url
    case "$db" in
        sqlite) url="sqlite://$work/floors.db" ;;
        postgres)
            psql -q "$PG_BASE" -c "CREATE SCHEMA $pg_schema" > /dev/null
            url="$PG_BASE?options=-csearch_path%3D$pg_schema"
            ;;
        *) echo "unknown database $db" >&2; exit 2 ;;
    esac
    echo "== $db: seeding $USERS users"
    prepare "$url"
    serve "$url"
    echo "# $db: one server for every step below" >> "$out/commands.txt"
    note_rss start
    echo "== $db: lookups (floor 8)"
    for run in 1 2 3; do
        drive "lookup-run$run" --scenario lookup --users "$USERS" --lookups "$LOOKUPS"
    done
    note_rss after_lookups
    echo "== $db: IdP reads (floor 5)"
    drive idp-reads --scenario idp-reads --users "$USERS" --repeats "$FILTER_REPEATS"
    note_rss after_idp_reads
    echo "== $db: auditor (floor 3)"
    # First pages that take seconds need fewer repeats to show it.
    drive auditor --scenario auditor --repeats "$(( REPEATS < 16 ? REPEATS : 16 ))" --product p00 \
        --modified-since "$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)"
    note_rss after_auditor
    echo "== $db: reports, big group (floors 4 and 6)"
    warm_files http
    echo "python3 bench/floors_http.py $db (reports, license counts, big-group PATCH and reads)" >> "$out/commands.txt"
    python3 bench/floors_http.py "http://$addr" "$token" "$admin" "$server" \
        "$REPEATS" "$USERS" > "$out/$db-http.json"
    note_rss after_http
    if [ "$WITH_RESYNC" = 1 ]; then
        echo "== $db: resync (floor 7)"
        drive resync --scenario resync --users "$USERS" --groups 1000 --no-ceiling
        note_rss after_resync
    fi
    stop
    if [ "$db" = sqlite ]; then rm -f "$work"/floors.db*; fi
    if [ "$db" = postgres ]; then
        psql -q "$PG_BASE" -c "DROP SCHEMA $pg_schema CASCADE" > /dev/null
    fi
}

IFS=, read -r -a dbs <<< "$DATABASES"
for d in "${dbs[@]}"; do run_database "$d"; done

if [ "$WITH_PROVISION" = 1 ]; then
    echo "== floors 1 and 2: bench/compare.sh"
    COMPARE_OUT="$out/compare" bench/compare.sh --scenario provision > "$out/compare.txt" 2>&1 || true
fi

python3 bench/floors_verdict.py "$out" "$DATABASES" "$stat_before" "$(cpu_line)" | tee "$out/summary.txt"
echo "results in $out"
