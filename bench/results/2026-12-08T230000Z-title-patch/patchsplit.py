#!/usr/bin/env python3
"""patchsplit.py ENV N [KIND]: N PATCHes (KIND title | deactivate) of distinct users from 8 threads
against the server on 127.0.0.1:18080; prints PATCHes a second, p50/p99, the server's and
PostgreSQL's CPU a PATCH (schedstat) and PostgreSQL's WAL bytes a PATCH."""
import http.client, json, os, random, subprocess, sys, threading, time
env = dict(l.strip().split("=", 1) for l in open(f"/work/data/{sys.argv[1]}.env") if "=" in l)
token, n, kind = env["TOKEN"], int(sys.argv[2]), (sys.argv[3] if len(sys.argv) > 3 else "title")
url = env["URL"].strip("'")
H = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
def ids(count, start):
    c = http.client.HTTPConnection("127.0.0.1", 18080)
    out = []
    while len(out) < count:
        c.request("GET", f"/scim/v2/Users?filter=active%20eq%20true&count=100&startIndex={start}&attributes=id", headers=H)
        out += [r["id"] for r in json.loads(c.getresponse().read())["Resources"]]
        start += 100
    return out[:count]
start = random.randint(1, 800000)
users = ids(n, start)
def cpu(pids):
    s = 0
    for p in pids:
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                s += int(open(f"/proc/{p}/task/{t}/schedstat").read().split()[0])
        except OSError:
            pass
    return s
srv = subprocess.check_output(["pgrep", "-f", "serve --listen 127.0.0.1:18080"]).decode().split()
pgs = lambda: subprocess.check_output(["pgrep", "-x", "postgres"]).decode().split()
def lsn():
    return int(subprocess.check_output(["psql", "-h", "127.0.0.1", "-U", "postgres", "test", "-Atc",
        "SELECT pg_current_wal_lsn() - '0/0'"]).strip())
lat, lock = [], threading.Lock()
def work(part):
    c = http.client.HTTPConnection("127.0.0.1", 18080)
    for uid in part:
        if kind == "title":
            ops = [{"op": "replace", "path": "title", "value": f"Title {random.randint(0, 1000)}"}]
        else:
            ops = [{"op": "replace", "value": {"active": False}}]
        body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
        t = time.perf_counter()
        c.request("PATCH", f"/scim/v2/Users/{uid}", body=body, headers=H)
        r = c.getresponse(); r.read()
        d = time.perf_counter() - t
        assert r.status == 200, r.status
        with lock:
            lat.append(d)
w0, s0, p0, t0 = lsn(), cpu(srv), cpu(pgs()), time.perf_counter()
th = [threading.Thread(target=work, args=(users[i::8],)) for i in range(8)]
[x.start() for x in th]; [x.join() for x in th]
t1, s1, p1, w1 = time.perf_counter(), cpu(srv), cpu(pgs()), lsn()
lat.sort()
print(f"{kind} {n/(t1-t0):.0f}/s p50 {lat[len(lat)//2]*1e3:.2f} p99 {lat[int(len(lat)*.99)]*1e3:.2f} ms "
      f"server {(s1-s0)/1e3/n:.0f} us postgres {(p1-p0)/1e3/n:.0f} us WAL {(w1-w0)/n:.0f} B a PATCH")
