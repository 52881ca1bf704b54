#!/usr/bin/env python3
"""First pages of auditor filters at concurrency 8: for A/B figures of one
filter's first page (count=100 with totalResults, attributes=userName),
beside bench/filter_walk.py's one-client walk.

    python3 bench/first_pages.py http://127.0.0.1:8080/scim/v2 TOKEN N 'FILTER' ['FILTER' ...]

For each filter: one warm-up request, then N requests over 8 threads;
prints the total and p50/p99/max of the request time at the client
(Python's own overhead included: compare runs of this script only).
"""
import concurrent.futures as cf
import json
import sys
import time
import urllib.parse
import urllib.request

base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])


def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    started = time.time()
    body = json.load(urllib.request.urlopen(req))
    return body, (time.time() - started) * 1000


for flt in sys.argv[4:]:
    path = f"/Users?count=100&attributes=userName&filter={urllib.parse.quote(flt)}"
    first, _ = get(path)
    with cf.ThreadPoolExecutor(8) as pool:
        times = sorted(ms for _, ms in pool.map(lambda _: get(path), range(n)))
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"{flt[:70]:70s} total {first['totalResults']:>7} p50 {pick(0.5):7.1f} "
          f"p99 {pick(0.99):7.1f} max {times[-1]:7.1f} ms (n={n}, c=8)")
