#!/usr/bin/env python3
"""One filter's first page and cursor walk, one request at a time: for
A/B figures of a single auditor query (bench/results/*-group-filter).

    python3 bench/filter_walk.py http://127.0.0.1:8080/scim/v2 TOKEN 'FILTER' [PAGE]

Prints the first page's time (10 requests of 100 with totalResults: min,
median, max) and the walk's (cursor pages of PAGE, default 100, cut at 90 s).
"""
import json, sys, time, urllib.request, urllib.parse
base, token, flt = sys.argv[1], sys.argv[2], sys.argv[3]
page = int(sys.argv[4]) if len(sys.argv) > 4 else 100
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    t = time.time()
    body = json.load(urllib.request.urlopen(req))
    return body, (time.time() - t) * 1000
q = urllib.parse.quote(flt)
ts = []
for _ in range(10):
    b, ms = get(f"/Users?count=100&attributes=userName&filter={q}")
    ts.append(ms)
ts.sort()
print(f"first page: min {ts[0]:.1f} med {ts[5]:.1f} max {ts[-1]:.1f} ms, total {b['totalResults']}")
t0 = time.time(); cursor = ""; seen = 0; pages = 0; worst = 0
while time.time() - t0 < 90:
    b, ms = get(f"/Users?count={page}&attributes=userName&filter={q}&cursor={urllib.parse.quote(cursor)}")
    worst = max(worst, ms); pages += 1
    seen += len(b.get("Resources", []))
    if "nextCursor" not in b: break
    cursor = b["nextCursor"]
print(f"walk: {seen} users in {pages} pages, {time.time()-t0:.1f} s, slowest page {worst:.1f} ms")
