# patchload.py BASE TOKEN KIND START N THREADS: N PATCHes split over THREADS keep-alive clients
import sys, json, http.client, threading, time, urllib.parse
base, token, kind, start, n, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
u = urllib.parse.urlsplit(base)
H = {"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"}
lat = []
def work(t):
    c = http.client.HTTPConnection(u.hostname, u.port)
    for i in range(start + t, start + n, threads):
        uid = "00000000-0000-4000-8000-%012d" % i
        ops = [{"op": "replace", "path": "title", "value": "T%d" % (i % 7)}] if kind == "title" else [{"op": "replace", "value": {"active": kind == "react"}}]
        body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
        t0 = time.time(); c.request("PATCH", u.path + "/Users/" + uid, body, H); r = c.getresponse(); r.read()
        lat.append(time.time() - t0)
        assert r.status == 200, r.status
ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
t0 = time.time(); [t.start() for t in ts]; [t.join() for t in ts]; w = time.time() - t0
lat.sort(); print(f"{kind} {n} in {w:.1f}s {n/w:.0f}/s p50 {lat[len(lat)//2]*1000:.2f} p99 {lat[int(len(lat)*.99)]*1000:.2f} ms")
