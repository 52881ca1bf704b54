#!/usr/bin/env python3
"""ops_cpu.py TOKEN N [START]: the resync's three user requests one at a time
against the server on 127.0.0.1:18080 over a seeded directory: userName
lookups, title PATCHes, deactivating PATCHes; N each, users START.. . Prints
wall p50/p90 and CPU per request of the server and of every PostgreSQL
process (from /proc)."""
import http.client, json, os, subprocess, sys, time
token, n = sys.argv[1], int(sys.argv[2])
start = int(sys.argv[3]) if len(sys.argv) > 3 else 500000
tck = os.sysconf("SC_CLK_TCK")
spid = int(subprocess.check_output(["pgrep", "-f", "serve --listen 127.0.0.1:18080"]).split()[0])
def ticks(pids):
    t = 0
    for p in pids:
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split(); t += int(f[11]) + int(f[12])
        except OSError: pass
    return t
def pg_pids():
    return [int(p) for p in subprocess.check_output(["pgrep", "-x", "postgres"]).split()]
c = http.client.HTTPConnection("127.0.0.1", 18080)
H = {"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"}
def call(method, path, body=None):
    c.request(method, "/scim/v2" + path, body=json.dumps(body) if body else None, headers=H)
    r = c.getresponse(); b = r.read()
    assert r.status in (200, 204), (r.status, b[:300])
    return b
uid = lambda i: f"00000000-0000-4000-8000-{i:012}"
P = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ops = {
    "lookup": lambda i: call("GET", f"/Users?filter=userName%20eq%20%22user{i:07}%40bench.example%22"),
    "patch_title": lambda i: call("PATCH", f"/Users/{uid(i)}", {"schemas": [P], "Operations": [{"op": "replace", "path": "title", "value": f"Title {time.time_ns() % 7919}"}]}),
    "deactivate": lambda i: call("PATCH", f"/Users/{uid(i)}", {"schemas": [P], "Operations": [{"op": "replace", "value": {"active": False}}]}),
}
for k, (name, op) in enumerate(ops.items()):
    base = start + k * 3 * n
    for i in range(20): op(base + 2 * n + i)  # warm
    pids = pg_pids(); s0, p0 = ticks([spid]), ticks(pids); lat = []
    for i in range(n):
        t = time.perf_counter(); op(base + i); lat.append((time.perf_counter() - t) * 1000)
    s1, p1 = ticks([spid]), ticks(pids); lat.sort()
    print(f"{name:12} n={n} p50 {lat[n//2]:5.2f} p90 {lat[n*9//10]:5.2f} ms; server {(s1-s0)/tck/n*1e6:5.0f} us, postgres {(p1-p0)/tck/n*1e6:5.0f} us a request")
