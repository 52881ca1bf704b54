#!/usr/bin/env python3
# jump.py ENVFILE N BIN... : per binary (fresh server on :18080), the last page of the
# directory first (no anchor anywhere), then N startIndex pages of 100 at random starts
# (same starts for every binary, random.seed(7)), one request at a time; also the same
# with `active eq false`. Reports p50/p90/max latency and the server's CPU per page.
import http.client, os, random, subprocess, sys, time, urllib.parse, json
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
n = int(sys.argv[2]); users = int(env.get('USERS', '1000000'))
def cpu(pid):
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000.0 / os.sysconf('SC_CLK_TCK')
for b in sys.argv[3:]:
    p = subprocess.Popen([b, 'serve', '--listen', '127.0.0.1:18080', '--database-url', env['URL']], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            c = http.client.HTTPConnection('127.0.0.1', 18080); c.request('GET', '/healthz'); c.getresponse().read(); break
        except Exception: time.sleep(0.1)
    time.sleep(3)
    c = http.client.HTTPConnection('127.0.0.1', 18080)
    h = {'Authorization': 'Bearer ' + env['TOKEN']}
    def get(qs):
        t = time.perf_counter(); c.request('GET', '/scim/v2/Users?' + qs, headers=h); r = c.getresponse(); body = r.read()
        assert r.status == 200, body[:200]
        return (time.perf_counter() - t) * 1000, json.loads(body)
    for _ in range(5): get('count=100')
    print('==', os.path.basename(b))
    ms, doc = get(f'count=100&startIndex={users - 99}')
    print(f'  last page (startIndex={users - 99}), first request: {ms:.1f} ms, {len(doc["Resources"])} users')
    for name, filt, top in [('all', '', users), ('active_false', '&filter=' + urllib.parse.quote('active eq false'), users // 10)]:
        rnd = random.Random(7); starts = [rnd.randint(1, top - 99) for _ in range(n)]
        ts = []; c0 = cpu(p.pid)
        for s in starts:
            ms, doc = get(f'count=100&startIndex={s}{filt}'); ts.append(ms)
            assert len(doc['Resources']) == 100, (s, len(doc['Resources']))
        used = (cpu(p.pid) - c0) / n; ts.sort()
        print(f'  {name:13s} {n} random starts: p50 {ts[n//2]:7.2f} p90 {ts[int(n*0.9)]:7.2f} max {ts[-1]:7.2f} ms  server cpu {used:6.2f} ms/page')
    p.terminate(); p.wait()
