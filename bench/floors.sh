#!/usr/bin/env bash
# Runs every SQLite floor of the benchmark issue that does not need the peer
# (for the provision ratio against the peer, see compare.sh) and says, floor
# by floor, what was measured and whether it holds:
#
#   - resync of 100,000 users in under 60 s;
#   - adding 50 members: p99 under 10 ms at 100,000 members, within 2x of
#     the 1,000-member case;
#   - `userName eq` lookups at concurrency 8 with 1,000,000 users: p99 under
#     2 ms (five runs on one server; the first run on a fresh server is
#     reported too, it pays for opening the readers' connections);
#   - server RSS under 150 MB with 1,000,000 users, after the lookups and
#     after a burst of 20 concurrent deep-paged compliance scans.
#
#   bench/floors.sh [--rounds N] [--lookups N]
#
# Loopback only, one server at a time, every server stopped at the end.
# Results land in bench/results/<date>-floors/, with the machine (CPU model,
# and the share of CPU time the hypervisor took, "steal", during the runs:
# figures from two machines of the same kind have differed threefold).
# Needs: the Rust toolchain and python3; ~2 GB of free disk in $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=100 LOOKUPS=100000
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --lookups) LOOKUPS="$2"; shift 2 ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-floors"
mkdir -p "$out"

# shellcheck source=bench/common.sh
. bench/common.sh
build_release

cpu_line() { head -n 1 /proc/stat; }
stat_before="$(cpu_line)"
{
    echo "# $(date -u) — commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')"
    echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); driver and server share the cores"
} > "$out/commands.txt"

serve() { # database-url -> sets $server and $addr
    RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --database-url "$1" > "$work/serve.log" 2>&1 &
    server=$!
    addr="$(wait_for "$work/serve.log")" || exit 1
}
stop() {
    kill "$server"; wait "$server" 2>/dev/null || true
    server=""
}
rss_kib() { ps -o rss= -p "$server" | tr -d ' '; }
new_directory() { # database-url -> JSON with id and token
    "$GH" directory create bench --database-url "$1" --json
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
drive() { # name, then driver flags
    local name="$1"; shift
    echo "gatehouse-bench $*" >> "$out/commands.txt"
    "$DRIVER" --base "http://$addr/scim/v2" --token "$token" --concurrency 8 --out "$out/$name.json" "$@" > /dev/null
}

echo "== 100,000 users (provision, resync, big groups)"
db100k="sqlite://$work/100k.db"
token="$(new_directory "$db100k" | field token)"
serve "$db100k"
echo "# 100,000 users, one server, fresh database:" >> "$out/commands.txt"
drive provision-100k --scenario provision --users 100000 --groups 100 --members 300
drive resync-100k --scenario resync --users 100000 --groups 100
# big-group needs 50 users beyond its largest group: provision looks up
# every user and creates the 100 that are missing.
drive provision-extra --scenario provision --users 100100 --groups 0
drive big-group --scenario big-group --big-sizes 1000,10000,100000 --rounds "$ROUNDS"
echo "rss_100k_kib $(rss_kib)" >> "$out/rss.txt"
stop
rm -f "$work"/100k.db*

echo "== 1,000,000 users (lookups, RSS)"
db1m="$work/1m.db"
"$GH" migrate --database-url "sqlite://$db1m" > /dev/null
directory="$(new_directory "sqlite://$db1m")"
token="$(printf '%s' "$directory" | field token)"
python3 bench/seed_users.py "$db1m" "$(printf '%s' "$directory" | field id)" 1000000
serve "sqlite://$db1m"
echo "# 1,000,000 users seeded with bench/seed_users.py, one server:" >> "$out/commands.txt"
for run in 1 2 3 4 5; do
    drive "lookup-c8-run$run" --scenario lookup --users 1000000 --lookups "$LOOKUPS"
done
echo "gatehouse-bench --scenario lookup --users 1000000 --lookups 20000 --concurrency 1" >> "$out/commands.txt"
"$DRIVER" --base "http://$addr/scim/v2" --token "$token" --concurrency 1 --out "$out/lookup-c1.json" \
    --scenario lookup --users 1000000 --lookups 20000 > /dev/null
echo "rss_1m_kib $(rss_kib)" >> "$out/rss.txt"
# The worst case for memory seen so far: an auditor's burst of deep-paged
# compliance scans, every reader filling its page cache at once.
scan="http://$addr/scim/v2/Users?filter=title%20sw%20%22Eng%22&startIndex=900000&count=100"
echo "# then 20 concurrent GET $scan" >> "$out/commands.txt"
scans=()
for _ in $(seq 1 20); do
    curl -s -o /dev/null -H "Authorization: Bearer $token" "$scan" &
    scans+=("$!")
done
wait "${scans[@]}"
echo "rss_1m_after_scans_kib $(rss_kib)" >> "$out/rss.txt"
stop

python3 - "$out" "$stat_before" "$(cpu_line)" <<'PY' | tee "$out/summary.txt"
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])
def ticks(line):
    return [int(x) for x in line.split()[1:]]
before, after = ticks(sys.argv[2]), ticks(sys.argv[3])
delta = [a - b for a, b in zip(after, before)]
steal = delta[7] / sum(delta) * 100 if sum(delta) else 0.0

def scenario(name):
    # The driver runs the ceiling (GET /healthz) first; skip it.
    runs = json.loads((out / f"{name}.json").read_text())["scenarios"]
    return next(s for s in runs if s["scenario"] != "ceiling")
rss = dict(line.split() for line in (out / "rss.txt").read_text().splitlines())

rows = []
def floor(text, measured, holds):
    rows.append((text, measured, "met" if holds else "NOT MET"))

resync = scenario("resync-100k")
floor("resync of 100k users < 60 s",
      f"{resync['seconds']:.1f} s, {resync['errors']} errors",
      resync["seconds"] < 60 and resync["errors"] == 0)
ops = scenario("big-group")["operations"]
at_100k, at_1k = ops["add_50_at_100000"]["p99_ms"], ops["add_50_at_1000"]["p99_ms"]
floor("add 50 members p99 < 10 ms at 100k, within 2x of 1k",
      f"{at_100k:.2f} ms at 100k, {at_1k:.2f} ms at 1k",
      at_100k < 10 and at_100k <= 2 * at_1k)
runs = [scenario(f"lookup-c8-run{n}") for n in range(1, 6)]
p99s = [r["p99_ms"] for r in runs]
floor("userName eq p99 < 2 ms, c=8, 1M users (every run)",
      "p99 " + ", ".join(f"{p:.2f}" for p in p99s) + " ms; "
      + ", ".join(f"{r['req_per_s']:.0f}" for r in runs) + " req/s",
      all(p < 2 for p in p99s) and all(r["errors"] == 0 for r in runs))
rss_mb = int(rss["rss_1m_kib"]) / 1024
scans_mb = int(rss["rss_1m_after_scans_kib"]) / 1024
floor("server RSS < 150 MB with 1M users",
      f"{rss_mb:.0f} MB after lookups, {scans_mb:.0f} MB after 20 scans",
      max(rss_mb, scans_mb) < 150)

print(f"steal during the runs: {steal:.1f}% of CPU time")
for text, measured, verdict in rows:
    print(f"{verdict:8} {text:55} {measured}")
c1 = scenario("lookup-c1")
prov = scenario("provision-100k")
print(f"also: lookups c=1 p50 {c1['p50_ms']:.2f} p99 {c1['p99_ms']:.2f} ms; "
      f"provision 100k {prov['req_per_s']:.0f} req/s p99 {prov['p99_ms']:.2f} ms, {prov['errors']} errors; "
      f"RSS at 100k {int(rss['rss_100k_kib']) // 1024} MB")
PY
echo "results in $out"
