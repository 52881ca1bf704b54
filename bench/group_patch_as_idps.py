"""Member PATCHes on a large group as Entra ID and Okta send them: no
`excludedAttributes`, one member added then removed, N rounds, one request
at a time. Prints the statuses, the largest body answered and latencies.

    python3 bench/group_patch_as_idps.py HOST PORT BASE_PATH TOKEN GROUP_ID ROUNDS ID,ID,...

See bench/results/2026-12-01-idp-group-patch/README.md for how the group
was made (seed_users.py, then memberships inserted in SQL).
"""
import json, sys, time, http.client, statistics
host, port, base, token, gid, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
ids = sys.argv[7].split(",")
c = http.client.HTTPConnection(host, port)
h = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
lat, sizes, statuses = [], [], []
for i in range(n):
    uid = ids[i % len(ids)]
    for op in ("add", "remove"):
        body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": op, "path": "members", "value": [{"value": uid}]}]}
        t = time.perf_counter()
        c.request("PATCH", f"{base}/Groups/{gid}", json.dumps(body), h)
        r = c.getresponse(); data = r.read()
        lat.append((time.perf_counter() - t) * 1000); sizes.append(len(data)); statuses.append(r.status)
print(json.dumps({"requests": len(lat), "statuses": sorted(set(statuses)), "body_bytes_max": max(sizes),
  "p50_ms": round(statistics.median(lat), 2), "p99_ms": round(sorted(lat)[int(len(lat)*0.99)-1], 2), "max_ms": round(max(lat), 2)}))
