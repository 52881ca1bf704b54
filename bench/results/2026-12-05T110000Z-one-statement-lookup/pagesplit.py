#!/usr/bin/env python3
"""pagesplit.py ENVFILE SERVERPID PATH [N] [C]: N GETs of PATH at concurrency C (after 16
unmeasured); latency p50/p99, and the CPU per request of the server and of every `postgres`
process (from /proc; 0 on SQLite)."""
import http.client, os, sys, threading, time
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
pid, path = sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 400
c = int(sys.argv[5]) if len(sys.argv) > 5 else 8
tick = os.sysconf('SC_CLK_TCK')
def cpu():
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
def pg():
    t = 0
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                if open(f'/proc/{p}/comm').read().strip() == 'postgres':
                    f = open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()
                    t += (int(f[11]) + int(f[12])) / tick
            except OSError:
                pass
    return t
lat, lock, left = [], threading.Lock(), [n]
size = [0]
def worker():
    h = http.client.HTTPConnection('127.0.0.1', 18080)
    hdr = {'Authorization': 'Bearer ' + env['TOKEN']}
    while True:
        with lock:
            if left[0] == 0: return
            left[0] -= 1
        t = time.perf_counter()
        h.request('GET', '/scim/v2' + path, headers=hdr)
        r = h.getresponse(); b = r.read()
        d = time.perf_counter() - t
        assert r.status == 200, (r.status, b[:300])
        with lock: lat.append(d); size[0] = len(b)
# warm
left[0] = 16; ts = [threading.Thread(target=worker) for _ in range(c)]; [t.start() for t in ts]; [t.join() for t in ts]
lat.clear(); left[0] = n
c0, p0, t0 = cpu(), pg(), time.perf_counter()
ts = [threading.Thread(target=worker) for _ in range(c)]; [t.start() for t in ts]; [t.join() for t in ts]
c1, p1, t1 = cpu(), pg(), time.perf_counter()
lat.sort()
print(f"{n/(t1-t0):.0f}/s p50 {lat[len(lat)//2]*1e3:.2f} p99 {lat[int(len(lat)*.99)]*1e3:.2f} ms; CPU/req server {(c1-c0)/n*1e6:.0f} us, postgres {(p1-p0)/n*1e6:.0f} us; body {size[0]} B")
