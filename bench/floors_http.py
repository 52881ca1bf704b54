#!/usr/bin/env python3
"""The floors bench/floors.sh measures with plain HTTP rather than the load
driver, against a server seeded by it; prints JSON.

    floors_http.py BASE DIRECTORY_TOKEN ADMIN_TOKEN SERVER_PID REPEATS USERS

- reports (floor 4): the first page of each admin report and the license
  counts, REPEATS times each, one request at a time;
- the big group (floor 6): members added and removed 50 at a time as Entra
  sends it (PATCH without excludedAttributes), 100 rounds (with
  fewer, the p99 is the one slowest round) after 5 timed apart (the
  connections' first); then 8 clients
  reading the group with its members at once, while the server's RSS is
  sampled every 10 ms.
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse

BIG_GROUP = "00000000-0000-4000-9000-000000000000"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def connect(base):
    url = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=300)


def timed(conn, method, path, token, body=None):
    """Milliseconds to the last byte, the status and the body's length."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/scim+json"
        body = json.dumps(body)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    size = 0
    while chunk := response.read(65536):
        size += len(chunk)
    return (time.perf_counter() - started) * 1000, response.status, size


def figures(samples):
    s = sorted(samples)
    pick = lambda p: s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]
    return {"n": len(s), "p50_ms": round(pick(50), 2), "p99_ms": round(pick(99), 2),
            "max_ms": round(s[-1], 2)}


def reports(base, admin, repeats):
    conn = connect(base)
    out = {}
    paths = {
        "access": "/admin/v1/reports/access?limit=100",
        "non_synced_access": "/admin/v1/reports/non-synced-access?limit=100",
        "leavers": "/admin/v1/reports/leavers?limit=100",
        "licenses_report": "/admin/v1/reports/licenses",
        "license_counts": "/admin/v1/licenses",
    }
    for name, path in paths.items():
        samples, statuses = [], set()
        for _ in range(repeats):
            ms, status, _ = timed(conn, "GET", path, admin)
            samples.append(ms)
            statuses.add(status)
        out[name] = figures(samples) | {"statuses": sorted(statuses)}
    return out


def member_patches(base, token, rounds, users, warmup=5):
    """Users from past the big group's (the first min(200,000, N/2) seeded
    users, as seed_users.py --groups makes it), so each add is a real one.

    The first `warmup` rounds are timed apart (`first_rounds`), not in the
    figures: they are the writer connections' first member PATCHes, which
    PostgreSQL pays for once per connection (each statement parsed and
    planned, the trigger functions compiled; the first add and remove at
    1M users 22 and 16 ms against ~7 and ~4 after). The floor is the
    running server's; its first requests are reported beside it."""
    conn = connect(base)
    adds, removes, statuses = [], [], set()
    first_rounds = {"add_ms": [], "remove_ms": []}
    first = min(200_000, users // 2)
    for r in range(warmup + rounds):
        ids = [f"00000000-0000-4000-8000-{first + r * 50 + k:012d}" for k in range(50)]
        members = [{"value": i} for i in ids]
        for op, samples, early in (("Add", adds, first_rounds["add_ms"]),
                                   ("Remove", removes, first_rounds["remove_ms"])):
            body = {"schemas": [PATCH_OP],
                    "Operations": [{"op": op, "path": "members", "value": members}]}
            ms, status, _ = timed(conn, "PATCH", f"/scim/v2/Groups/{BIG_GROUP}", token, body)
            if r < warmup:
                early.append(round(ms, 2))
            else:
                samples.append(ms)
            statuses.add(status)
    return {"add_50": figures(adds), "remove_50": figures(removes),
            "first_rounds": first_rounds, "statuses": sorted(statuses)}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


SMALL_GROUP = "00000000-0000-4000-9000-000000000001"


def in_parallel(clients, work):
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def concurrent_reads(base, token, pid, clients=8):
    """8 clients read the big group at once; the server's RSS growth is
    the floor's figure. The first time 8 reads run at once, the server
    opens reader connections and their threads' heaps (~30 MB on
    PostgreSQL whatever is read), so 8 clients read a small group first,
    twice, and the growth counted is the big group's own."""
    def warm():
        timed(connect(base), "GET", f"/scim/v2/Groups/{SMALL_GROUP}", token)
    cold = rss_kib(pid)
    in_parallel(clients, warm)
    in_parallel(clients, warm)
    baseline = rss_kib(pid)
    peak = [baseline]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.01)

    results = []

    def read():
        ms, status, size = timed(connect(base), "GET", f"/scim/v2/Groups/{BIG_GROUP}", token)
        results.append({"ms": round(ms, 1), "status": status, "bytes": size})

    sampler = threading.Thread(target=sample)
    sampler.start()
    in_parallel(clients, read)
    done.set()
    sampler.join()
    return {"clients": clients, "rss_cold_mb": round(cold / 1024, 1),
            "rss_before_mb": round(baseline / 1024, 1),
            "rss_peak_mb": round(peak[0] / 1024, 1),
            "rss_growth_mb": round((peak[0] - baseline) / 1024, 1), "reads": results}


def main():
    base, token, admin = sys.argv[1], sys.argv[2], sys.argv[3]
    pid, repeats, users = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    out = {
        "reports": reports(base, admin, repeats),
        "big_group_patch": member_patches(base, token, 100, users),
        "big_group_reads": concurrent_reads(base, token, pid),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
