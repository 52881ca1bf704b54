# par_path.py ENV PATH_TEMPLATE PROCS SECONDS MOD — par.py with a whole request path ({i} replaced); prints req count, server and PostgreSQL cpu/req
import http.client, sys, time, urllib.parse, multiprocessing as mp, os
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
tmpl, procs, secs, mod = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
pid = int(os.popen("pgrep -f 'serve --listen 127.0.0.1:18080' | head -1").read())
def ticks(p): return sum(int(x) for x in open(f'/proc/{p}/stat').read().split(')')[1].split()[11:13])
def work(k, q):
    c = http.client.HTTPConnection('127.0.0.1', 18080); h = {'Authorization': 'Bearer ' + env['TOKEN']}
    end = time.time() + secs; n = 0; lat = []
    while time.time() < end:
        i = (k * 131 + n) % mod
        p = tmpl.format(i=i)
        t = time.perf_counter(); c.request('GET', p, headers=h); r = c.getresponse(); r.read(); lat.append(time.perf_counter() - t); n += 1
    q.put(lat)
def pg():
    t = 0
    for p in os.popen('pgrep postgres').read().split():
        try: t += ticks(int(p))
        except Exception: pass
    return t
q = mp.Queue(); g0 = pg(); t0 = ticks(pid); s0 = [int(x) for x in open('/proc/stat').readline().split()[1:]]
ps = [mp.Process(target=work, args=(k, q)) for k in range(procs)]
[p.start() for p in ps]; lat = []
for _ in ps: lat += q.get()
[p.join() for p in ps]
t1 = ticks(pid); g1 = pg(); s1 = [int(x) for x in open('/proc/stat').readline().split()[1:]]
busy = sum(s1) - sum(s0) - (s1[3] - s0[3]) - (s1[4] - s0[4])
lat.sort(); n = len(lat)
print(f'{n} req, {n/secs:.0f}/s, server cpu/req {(t1-t0)*10/n:.3f} ms, pg cpu/req {(g1-g0)*10/n:.3f} ms, all cpu/req {busy*10/n:.3f} ms, p50 {lat[n//2]*1000:.1f} p99 {lat[int(n*.99)]*1000:.1f} ms')
