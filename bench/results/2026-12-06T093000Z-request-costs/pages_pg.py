#!/usr/bin/env python3
"""pages_pg.py URL TOKEN CLIENTS N — first pages of 100 for the three floor-5
filters that miss (active eq false, department, familyName), N each at
CLIENTS at once; prints p50/p90/p99 ms per filter, the CPU the server used
per page, its read calls per page and PostgreSQL's CPU per page (from /proc,
PIDs from pgrep)."""
import http.client, json, sys, threading, time, urllib.parse, subprocess, os
base, token, clients, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
host = urllib.parse.urlparse(base)
def filters(i):
    return {
        "active_false": 'active eq false',
        "department": f'{ENT}:department eq "Dept {i % 20}"',
        "familyName": f'name.familyName eq "Family{i % 997}"',
    }
pid = int(subprocess.check_output(["pgrep", "-f", "serve --listen " + host.netloc]).split()[0])
def syscr():
    for l in open(f"/proc/{pid}/io"):
        if l.startswith("syscr"): return int(l.split()[1])
def pgcpu():
    total = 0
    for p in subprocess.check_output(["pgrep", "-x", "postgres"]).split():
        try:
            f = open(f"/proc/{int(p)}/stat").read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
for name in ["active_false", "department", "familyName"]:
    lat = []; lock = threading.Lock()
    def work(k):
        c = http.client.HTTPConnection(host.hostname, host.port)
        for j in range(k, n, clients):
            q = urllib.parse.quote(filters(j * 7919)[name])
            t = time.perf_counter()
            c.request("GET", f"{host.path}/Users?count=100&filter={q}", headers={"Authorization": "Bearer " + token})
            r = c.getresponse(); body = r.read()
            d = (time.perf_counter() - t) * 1000
            assert r.status == 200, body[:200]
            with lock: lat.append(d)
    c0 = cpu(); r0 = syscr(); p0 = pgcpu()
    ts = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    [t.start() for t in ts]; [t.join() for t in ts]
    used = (cpu() - c0) / n * 1000; reads = (syscr() - r0) / n; pg = (pgcpu() - p0) / n * 1000
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print(f"{name:13} c={clients} n={n} p50 {p(.5):6.2f} p90 {p(.9):6.2f} p99 {p(.99):6.2f} ms  server CPU {used:5.2f} ms/page, {reads:.0f} reads/page, postgres CPU {pg:5.2f} ms/page")
