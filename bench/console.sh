#!/usr/bin/env bash
# Console page times at --users accounts (default 100,000): seeds the users
# (bench/seed_users.py), pushes --members of them into a group over SCIM,
# maps it to a capped product, files pending requests, then asks each
# console page --runs times, one request at a time, and reports the time
# to the last byte (the server's time plus a loopback round trip) p50, p90
# and p99 per page. The floor (issue #18): every page under 100 ms.
#
#   bench/console.sh [--binary PATH] [--users N] [--members M] [--runs R] [--keep]
#
# --keep leaves the seeded database behind (for EXPLAIN and profiling).
#
# SQLite (a fresh file). Loopback only; stops what it starts. Not part of
# CI. Results in bench/results/<UTC timestamp>-console/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

BINARY="" USERS=100000 MEMBERS=20000 RUNS=30 KEEP=""
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) BINARY="$2"; shift 2 ;;
        --users) USERS="$2"; shift 2 ;;
        --members) MEMBERS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) echo "unknown flag $1" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ -n "$KEEP" ]; then echo "kept: $work/console.db" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# shellcheck source=bench/common.sh
. bench/common.sh
if [ -n "$BINARY" ]; then GH="$BINARY"; else build_release; fi

start_results console "the client and server" "bench/console.sh --users $USERS --members $MEMBERS --runs $RUNS${BINARY:+ --binary $BINARY}"

url="sqlite://$work/console.db"
dir="$("$GH" directory create okta --database-url "$url" --json)"
id="$(printf '%s' "$dir" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
token="$(printf '%s' "$dir" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
admin="$("$GH" admin-token create --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
product="$("$GH" product-token create --database-url "$url" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
python3 bench/seed_users.py "$work/console.db" "$id" "$USERS" > /dev/null
RUST_LOG=warn,gatehouse=info "$GH" serve --listen 127.0.0.1:0 --database-url "$url" > "$work/serve.log" 2>&1 &
server=$!
addr="$(wait_for "$work/serve.log")"
link="$("$GH" console link --database-url "$url" --public-url "http://$addr" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')"

python3 - "$addr" "$token" "$admin" "$product" "$link" "$MEMBERS" "$RUNS" "$out" <<'PY'
import http.client, json, sys, time, urllib.parse
addr, token, admin, product, link, members, runs, out = sys.argv[1:9]
members, runs = int(members), int(runs)
host, port = addr.rsplit(":", 1)
conn = http.client.HTTPConnection(host, int(port), timeout=120)

def call(method, path, body=None, headers=None, content_type="application/json"):
    h = dict(headers or {})
    if body is not None:
        h["Content-Type"] = content_type
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return r.status, r.getheaders(), data

def api(method, path, body, bearer):
    status, _, data = call(method, path, json.dumps(body), {"Authorization": f"Bearer {bearer}"})
    if status >= 300:
        raise SystemExit(f"{method} {path}: {status} {data[:300]!r}")
    return json.loads(data) if data else None

uid = lambda i: f"00000000-0000-4000-8000-{i:012d}"
group = api("POST", "/scim/v2/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "App-Jira-Users"}, token)
for start in range(0, members, 500):
    ops = [{"op": "add", "path": "members", "value": [{"value": uid(i)} for i in range(start, min(start + 500, members))]}]
    api("PATCH", f"/scim/v2/Groups/{group['id']}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops}, token)
api("POST", "/admin/v1/sites", {"name": "acme"}, admin)
api("POST", "/admin/v1/products", {"site": "acme", "key": "jira", "license_cap": members + 1000}, admin)
api("POST", "/admin/v1/mappings", {"group": group["id"], "product": "jira", "role": "user"}, admin)
for i in range(members, members + 20):
    api("POST", "/api/v1/access-requests", {"requester": uid(i), "product": "jira"}, product)

code = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["code"][0]
status, headers, _ = call("POST", "/console/sign-in", urllib.parse.urlencode({"code": code}),
                          {"Origin": f"http://{addr}"}, "application/x-www-form-urlencoded")
cookie = next(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")
pages = ["/console", "/console/directories", "/console/products", "/console/mappings",
         "/console/mappings/groups?q=jira", "/console/policy", "/console/requests",
         "/console/people", "/console/people/search?q=user00123", "/console/people/search?q=user0012345%40bench.example",
         "/console/guests", "/console/reports", "/console/reports/non-synced",
         "/console/reports/leavers", "/console/audit"]
status, _, data = call("GET", "/console/people/search?q=user0000001", headers={"Cookie": cookie})
person = data.decode().split('href="/console/people/')[1].split('"')[0]
pages.append(f"/console/people/{person}")
lines = []
worst = 0.0
for page in pages:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        status, _, data = call("GET", page, headers={"Cookie": cookie})
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise SystemExit(f"{page}: {status} {data[:300]!r}")
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    worst = max(worst, pick(0.99))
    lines.append(f"{page:<58} p50 {pick(0.5):7.1f} ms  p90 {pick(0.9):7.1f} ms  p99 {pick(0.99):7.1f} ms  {len(data):>8} bytes")
verdict = "PASS" if worst < 100 else "FAIL"
lines.append(f"slowest page p99 {worst:.1f} ms: {verdict} (floor: every page < 100 ms)")
print("\n".join(lines))
with open(f"{out}/summary.txt", "a") as f:
    f.write("\n".join(lines) + "\n")
PY
echo "results: $out/summary.txt"
