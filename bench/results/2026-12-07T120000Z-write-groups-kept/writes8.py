#!/usr/bin/env python3
"""writes8.py BASE TOKEN FIRST N KIND — one PATCH of each seeded user FIRST..FIRST+N-1 from 8
threads: KIND title (a new title), deact or react (active false, true)."""
import sys, json, time, http.client, urllib.parse, threading
base, token, first, n, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
u = urllib.parse.urlsplit(base)
h = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
lat = []
def work(k):
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    for i in range(first + k, first + n, 8):
        uid = f"00000000-0000-4000-8000-{i:012d}"
        if kind == "title":
            ops = [{"op": "replace", "path": "title", "value": f"Title {time.time_ns() % 100000}"}]
        else:
            ops = [{"op": "replace", "value": {"active": kind == "react"}}]
        body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
        t = time.perf_counter()
        conn.request("PATCH", f"/scim/v2/Users/{uid}", body=body, headers=h)
        r = conn.getresponse(); r.read(); lat.append((time.perf_counter() - t) * 1000)
        assert r.status == 200, r.status
ts = [threading.Thread(target=work, args=(k,)) for k in range(8)]
t0 = time.perf_counter()
[t.start() for t in ts]; [t.join() for t in ts]
el = time.perf_counter() - t0
s = sorted(lat)
print(f"{kind} n {len(s)} {len(s)/el:.0f}/s p50 {s[len(s)//2]:.2f} p99 {s[int(len(s)*.99)]:.2f} ms")
