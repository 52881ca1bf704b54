# drive.py BASE TOKEN KIND N START [EXTRA]: N first pages of 100 at 8 clients; p50/p99
# (EXTRA: more query parameters, e.g. "&excludedAttributes=groups")
import sys, time, threading, urllib.parse, http.client
base, token, kind, n, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
extra = sys.argv[6] if len(sys.argv) > 6 else ""
def filt(i):
    if kind == "family": return f'name.familyName eq "Family{i % 997}"'
    if kind == "dept": return f'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Dept {i % 20}"'
    return "active eq false"
paths = [f"/scim/v2/Users?count=100{extra}&filter={urllib.parse.quote(filt(start + i))}" for i in range(n)]
u = urllib.parse.urlsplit(base); lat = []; lock = threading.Lock(); it = iter(paths)
def work():
    c = http.client.HTTPConnection(u.hostname, u.port)
    while True:
        with lock:
            p = next(it, None)
        if p is None: return
        t = time.perf_counter(); c.request("GET", p, headers={"Authorization": f"Bearer {token}"}); r = c.getresponse(); r.read()
        with lock: lat.append((time.perf_counter() - t) * 1000)
ts = [threading.Thread(target=work) for _ in range(8)]; [t.start() for t in ts]; [t.join() for t in ts]
lat.sort(); pick = lambda p: lat[min(len(lat) - 1, round(p / 100 * (len(lat) - 1)))]
print(f"{kind} n={n} p50 {pick(50):.2f} p99 {pick(99):.2f} max {lat[-1]:.2f}")
