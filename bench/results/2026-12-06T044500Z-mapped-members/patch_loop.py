"""patch_loop.py BASE TOKEN GROUPS [PID...]: on a server holding users
(a provision run's 10k), creates GROUPS new groups, none mapped, and adds
each 50 existing users by one PATCH, one request at a time; prints the
PATCHes' p50/p90 latency and the CPU a PATCH of the given processes
(server, and PostgreSQL's backends when listed), from /proc."""
import http.client, json, sys, time, os, urllib.parse

base, token, groups = sys.argv[1], sys.argv[2], int(sys.argv[3])
pids = [int(p) for p in sys.argv[4:]]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
H = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}

def call(method, path, body=None):
    conn.request(method, u.path + path, body=json.dumps(body) if body is not None else None, headers=H)
    r = conn.getresponse(); data = r.read()
    return r.status, (json.loads(data) if data else None)

ids = []
start = 1
while len(ids) < 50 * groups:
    s, page = call("GET", f"/Users?attributes=id&count=1000&startIndex={start}")
    got = [x["id"] for x in page["Resources"]]
    if not got: break
    ids += got; start += len(got)

def ticks():
    t = 0
    for p in pids:
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            t += int(f[11]) + int(f[12])
        except FileNotFoundError:
            pass
    return t

lat = []
stamp = int(time.time())
made = []
for g in range(groups):
    s, grp = call("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": f"loop-{stamp}-{g}"})
    assert s == 201, (s, grp)
    made.append(grp["id"])
t0 = ticks()
for g, gid in enumerate(made):
    value = [{"value": i} for i in ids[g * 50:(g + 1) * 50]]
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "add", "path": "members", "value": value}]}
    t = time.perf_counter()
    s, _ = call("PATCH", f"/Groups/{gid}?excludedAttributes=members", body)
    lat.append(time.perf_counter() - t)
    assert s in (200, 204), s
t1 = ticks()
lat.sort()
print(f"{groups} add-50 PATCHes: p50 {lat[len(lat)//2]*1000:.2f} ms, p90 {lat[int(len(lat)*0.9)]*1000:.2f} ms, CPU {(t1-t0)*10000/groups:.0f} us a PATCH ({len(pids)} processes)")
