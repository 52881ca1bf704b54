# pages.py BASE TOKEN PGURL SCHEMA FILTER_KIND N CLIENTS: N first pages of 100 at CLIENTS clients;
# prints latency p50/p99 and PostgreSQL buffer reads/hits per page for the schema (pg_statio deltas).
import sys, json, time, threading, subprocess, urllib.parse, http.client
base, token, pgurl, schema, kind, n, clients = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
def statio():
    q = f"SELECT coalesce(sum(heap_blks_read),0), coalesce(sum(heap_blks_hit),0), coalesce(sum(idx_blks_read),0), coalesce(sum(idx_blks_hit),0) FROM pg_statio_user_tables WHERE schemaname='{schema}'"
    out = subprocess.run(["psql", "-At", pgurl, "-c", q], capture_output=True, text=True).stdout.strip()
    return [int(x) for x in out.split("|")]
def filt(i):
    if kind == "family": return f'name.familyName eq "Family{i % 997}"'
    if kind == "dept": return f'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Dept {i % 20}"'
    return "active eq false"
paths = [f"/scim/v2/Users?count=100&filter={urllib.parse.quote(filt(i))}" for i in range(n)]
u = urllib.parse.urlsplit(base); lat = []; lock = threading.Lock(); it = iter(paths)
def work():
    c = http.client.HTTPConnection(u.hostname, u.port)
    while True:
        with lock:
            p = next(it, None)
        if p is None: return
        t = time.perf_counter(); c.request("GET", p, headers={"Authorization": f"Bearer {token}"}); r = c.getresponse(); r.read()
        ms = (time.perf_counter() - t) * 1000
        with lock: lat.append(ms)
time.sleep(11); s0 = statio()
ts = [threading.Thread(target=work) for _ in range(clients)]; [t.start() for t in ts]; [t.join() for t in ts]
time.sleep(11); s1 = statio()
d = [b - a for a, b in zip(s0, s1)]; lat.sort()
pick = lambda p: lat[min(len(lat) - 1, round(p / 100 * (len(lat) - 1)))]
print(json.dumps({"kind": kind, "n": n, "clients": clients, "p50": round(pick(50), 2), "p99": round(pick(99), 2),
  "per_page": {"heap_read": round(d[0] / n, 1), "heap_hit": round(d[1] / n, 1), "idx_read": round(d[2] / n, 1), "idx_hit": round(d[3] / n, 1)}}))
