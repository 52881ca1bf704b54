#!/usr/bin/env bash
# Overload: 600 clients (wrk: 2 threads, 600 connections) ask for a page of
# a filter that scans a directory of --seed users, for --seconds; meanwhile
# a prober asks /healthz and /readyz on fresh connections every 200 ms, on
# the main listener and on --metrics-listen (a thread of its own).
# Reported: wrk's throughput, latency percentiles and non-2xx count (the
# refused reads: 503 with Retry-After), and the probes' latencies (they
# must answer in < 100 ms under any load, never queued behind requests).
#
#   bench/overload.sh [--binary PATH] [--seed N] [--seconds S] [--connections C]
#
# SQLite (a fresh file, seeded with bench/seed_users.py). Loopback only;
# stops what it starts. Not part of CI. Results in
# bench/results/<UTC timestamp>-overload/summary.txt. Needs wrk and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

BINARY="" SEED=20000 SECONDS_=20 CONNECTIONS=600
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) BINARY="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --seconds) SECONDS_="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/common.sh
. bench/common.sh
if [ -n "$BINARY" ]; then GH="$BINARY"; else build_release; fi

start_results overload "wrk, prober and server" "bench/overload.sh --seed $SEED --seconds $SECONDS_ --connections $CONNECTIONS${BINARY:+ --binary $BINARY}"

url="sqlite://$work/overload.db"
dir="$("$GH" directory create overload --database-url "$url" --json)"
id="$(printf '%s' "$dir" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
token="$(printf '%s' "$dir" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
python3 bench/seed_users.py "$work/overload.db" "$id" "$SEED" > /dev/null
RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
    --database-url "$url" > "$work/serve.log" 2>&1 &
server=$!
addr="$(wait_for "$work/serve.log")"
ops="$(grep -o 'health checks on http://[0-9.:]*' "$work/serve.log" | head -n 1 | sed 's|health checks on http://||')"

python3 - "$addr" "$ops" "$SECONDS_" > "$work/probes.json" <<'PY' &
import http.client, json, sys, time
main, ops = sys.argv[1], sys.argv[2]
end = time.monotonic() + float(sys.argv[3])
probes = [(f"main {p}", main, p) for p in ("/healthz", "/readyz")] + \
         [(f"--metrics-listen {p}", ops, p) for p in ("/healthz", "/readyz")]
times = {name: [] for name, _, _ in probes}
statuses = {name: {} for name, _, _ in probes}
while time.monotonic() < end:
    for name, addr, path in probes:
        host, port = addr.rsplit(":", 1)
        t = time.monotonic()
        try:
            c = http.client.HTTPConnection(host, int(port), timeout=10)
            c.request("GET", path)
            status = c.getresponse().status
            c.close()
        except OSError as e:
            status = type(e).__name__
        times[name].append((time.monotonic() - t) * 1000)
        statuses[name][str(status)] = statuses[name].get(str(status), 0) + 1
    time.sleep(0.2)
report = {}
for name, ts in times.items():
    ts.sort()
    report[name] = {"probes": len(ts), "p50_ms": round(ts[len(ts) // 2], 2),
                    "p99_ms": round(ts[min(len(ts) - 1, int(len(ts) * 0.99))], 2),
                    "max_ms": round(ts[-1], 2), "statuses": statuses[name]}
print(json.dumps(report))
PY
prober=$!
sleep 0.5
filter='title%20co%20%22x%22%20or%20name.familyName%20co%20%22zz%22'
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" --timeout 60s --latency \
    -H "Authorization: Bearer $token" \
    "http://$addr/scim/v2/Users?filter=$filter&count=100&startIndex=5000" > "$work/wrk.txt" 2>&1 || true
wait "$prober"
{
    echo "== wrk: GET /scim/v2/Users?filter=title co \"x\" or name.familyName co \"zz\"&count=100&startIndex=5000 ($SEED users)"
    cat "$work/wrk.txt"
    echo "== probes on fresh connections every 200 ms during the load"
    python3 -c 'import json,sys; [print(k, v) for k, v in json.load(open(sys.argv[1])).items()]' "$work/probes.json"
} | tee -a "$out/summary.txt"
echo "results in $out"
