#!/usr/bin/env python3
"""deact_ab.py BASE TOKEN FIRST N — deactivates and reactivates seeded users FIRST..FIRST+N-1,
one PATCH at a time (a real license change each: the user's person is noted and settled)."""
import sys, json, time, http.client, urllib.parse
base, token, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
h = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
off, on = [], []
for i in range(first, first + n):
    uid = f"00000000-0000-4000-8000-{i:012d}"
    for active, samples in ((False, off), (True, on)):
        body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                           "Operations": [{"op": "replace", "value": {"active": active}}]})
        t = time.perf_counter()
        conn.request("PATCH", f"/scim/v2/Users/{uid}", body=body, headers=h)
        r = conn.getresponse(); r.read()
        samples.append((time.perf_counter() - t) * 1000)
        assert r.status == 200, r.status
def p(s, q): s = sorted(s); return round(s[min(len(s) - 1, int(q * (len(s) - 1)))], 2)
print(f"deactivate p50 {p(off, .5)} p99 {p(off, .99)} | reactivate p50 {p(on, .5)} p99 {p(on, .99)} ms")
