#!/usr/bin/env bash
# Runs the same load driver, same sizes, against Gatehouse on SQLite, on
# PostgreSQL, and against a peer SCIM server from PyPI (scim2-server), then
# prints the ratios. Loopback only; every server is stopped at the end.
#
#   bench/compare.sh [--users N] [--groups G] [--members M] [--concurrency C] [--scenario S]
#
# Gatehouse also runs creates alone and lookups alone, each after its own
# ceiling (floor 2 of issue #19).
#
# Needs: the Rust toolchain, python3 (venv + pip), PostgreSQL at
# 127.0.0.1:5432 (trust auth, database `test`), as on the CI machine.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=10000 NGROUPS=100 MEMBERS=300 CONCURRENCY=8 SCENARIO=provision
ALONE_CREATES=5000
while [ $# -gt 0 ]; do
    case "$1" in
        --users) USERS="$2"; shift 2 ;;
        --groups) NGROUPS="$2"; shift 2 ;;
        --members) MEMBERS="$2"; shift 2 ;;
        --concurrency) CONCURRENCY="$2"; shift 2 ;;
        --scenario) SCENARIO="$2"; shift 2 ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
# bench/floors.sh keeps the run beside its own results (COMPARE_OUT).
out="${COMPARE_OUT:-bench/results/$stamp}"
mkdir -p "$out"

# shellcheck source=bench/common.sh
. bench/common.sh
build_release
args=(--scenario "$SCENARIO" --users "$USERS" --groups "$NGROUPS" --members "$MEMBERS" --concurrency "$CONCURRENCY")

run_gatehouse() { # label database-url
    local label="$1" url="$2"
    local token admin
    token="$($GH directory create bench --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
    admin="$($GH admin-token create --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
    RUST_LOG=warn,gatehouse=info $GH serve --listen 127.0.0.1:0 --database-url "$url" > "$work/$label.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    local addr
    addr="$(wait_for "$work/$label.log")"
    echo "== $label"
    $DRIVER --base "http://$addr/scim/v2" --token "$token" --admin-base "http://$addr/admin/v1" --admin-token "$admin" \
        --label "$label" --out "$out/$label.json" "${args[@]}" > /dev/null
    # Floor 2 reads creates and lookups alone against the ceiling (in the
    # provision mix each is a share of the run): creates of new users past
    # the provisioned ones, then lookups of the provisioned ones.
    $DRIVER --base "http://$addr/scim/v2" --token "$token" --label "$label" --concurrency "$CONCURRENCY" \
        --scenario create --first 5000000 --users "$ALONE_CREATES" --out "$out/$label-create.json" > /dev/null
    if [ "$SCENARIO" = provision ] || [ "$SCENARIO" = all ]; then
        $DRIVER --base "http://$addr/scim/v2" --token "$token" --label "$label" --concurrency "$CONCURRENCY" \
            --scenario lookup --users "$USERS" --lookups 20000 --out "$out/$label-lookup.json" > /dev/null
    fi
    echo "   server RSS: $(ps -o rss= -p "$pid" | tr -d ' ') KiB" | tee "$out/$label.rss"
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_gatehouse gatehouse-sqlite "sqlite://$work/bench.db"

schema="bench_$$"
psql -h 127.0.0.1 -U postgres -d test -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema;"
run_gatehouse gatehouse-postgres "postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3D$schema"
psql -h 127.0.0.1 -U postgres -d test -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE;"

echo "== scim2-server (PyPI)"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check scim2-server
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$work/venv/bin/scim2-server" --port "$port" --bearer-token bench > "$work/peer.log" 2>&1 &
peer=$!
pids+=("$peer")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/ServiceProviderConfig" && break; sleep 0.1; done
$DRIVER --base "http://127.0.0.1:$port/v2" --token bench --label scim2-server --fresh-connections --no-ceiling "${args[@]}" --out "$out/scim2-server.json" > /dev/null
echo "   server RSS: $(ps -o rss= -p "$peer" | tr -d ' ') KiB" | tee "$out/scim2-server.rss"

{
    echo "date: $stamp"
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
    echo "command: bench/compare.sh ${args[*]}"
    python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
runs = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
def first(label):
    # The driver runs the ceiling (GET /healthz) first; the table is about
    # the scenario asked for, read against that ceiling.
    return next(s for s in runs[label]["scenarios"] if s["scenario"] != "ceiling")
def of_ceiling(label, s):
    ceiling = runs[label].get("ceiling_req_per_s")
    if not ceiling:
        return "no ceiling measured"
    parts = [f"ceiling {ceiling:6.0f} req/s: {s.get('of_ceiling', 0) * 100:5.1f}%"]
    for op in ("create_user", "lookup"):
        o = s.get("operations", {}).get(op)
        if o and "of_ceiling" in o:
            parts.append(f"{op} {o['of_ceiling'] * 100:.1f}%")
    return ", ".join(parts)
def alone(label):
    # Floor 2: creates and lookups each run alone, each after its own ceiling.
    parts = []
    for scenario in ("create", "lookup"):
        run = runs.get(f"{label}-{scenario}")
        if not run:
            continue
        s = first(f"{label}-{scenario}")
        parts.append(f"{scenario} {s['req_per_s']:6.0f} req/s p99 {s['p99_ms']:6.2f} ms = "
                     f"{s.get('of_ceiling', 0) * 100:4.1f}% of {run.get('ceiling_req_per_s', 0):6.0f}")
    return "; ".join(parts)
peer = first("scim2-server")
for label in ("gatehouse-sqlite", "gatehouse-postgres", "scim2-server"):
    s = first(label)
    ratio = s["req_per_s"] / peer["req_per_s"] if peer["req_per_s"] else float("inf")
    print(f"{label:20} {s['scenario']:10} {s['requests']:7} req {s['errors']:4} err "
          f"{s['req_per_s']:8.0f} req/s p50 {s['p50_ms']:7.2f} p95 {s['p95_ms']:7.2f} p99 {s['p99_ms']:7.2f} ms"
          f"  x{ratio:.1f} the peer's req/s  ({of_ceiling(label, s)})")
    if alone(label):
        print(f"{'':20} alone: {alone(label)}")
PY
} | tee "$out/summary.txt"
