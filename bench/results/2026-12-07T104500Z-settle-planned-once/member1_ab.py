#!/usr/bin/env python3
"""member1_ab.py BASE TOKEN FIRST N — adds, then removes, one user at a time to a mapped group
(Bench Group 5, mapped to p05): a member PATCH of one user, as an IdP's steady state sends."""
import sys, json, time, http.client, urllib.parse
base, token, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
h = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
gid = "00000000-0000-4000-9000-000000000005"
add, rem = [], []
for i in range(first, first + n):
    uid = f"00000000-0000-4000-8000-{i:012d}"
    for op, samples in (({"op": "add", "path": "members", "value": [{"value": uid}]}, add),
                        ({"op": "remove", "path": f'members[value eq "{uid}"]'}, rem)):
        body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [op]})
        t = time.perf_counter()
        conn.request("PATCH", f"/scim/v2/Groups/{gid}?excludedAttributes=members", body=body, headers=h)
        r = conn.getresponse(); r.read()
        samples.append((time.perf_counter() - t) * 1000)
        assert r.status in (200, 204), r.status
def p(s, q): s = sorted(s); return round(s[min(len(s) - 1, int(q * (len(s) - 1)))], 2)
print(f"add-1 p50 {p(add, .5)} p99 {p(add, .99)} | remove-1 p50 {p(rem, .5)} p99 {p(rem, .99)} ms")
