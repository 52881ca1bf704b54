#!/usr/bin/env python3
# ab2.py ENVFILE N BIN... : per binary (served on :18080 in turn), each query N times one at a time
# after 5 warm-up requests: p50/p90 latency and the server's CPU per request (utime+stime from /proc).
import http.client, os, subprocess, sys, time, urllib.parse
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
n = int(sys.argv[2])
q = lambda s: urllib.parse.quote(s)
queries = {
 'department': 'count=100&filter=' + q('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Dept 3"'),
 'active_false': 'count=100&filter=' + q('active eq false'),
 'familyName': 'count=100&filter=' + q('name.familyName eq "Family7"'),
 'manager': 'count=100&filter=' + q('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "00000000-0000-4000-8000-000000000050"'),
 'import_page_5000': 'count=100&startIndex=500001',
 'userName': 'filter=' + q('userName eq "user0000005@bench.example"'),
}
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
    print('==', os.path.basename(b))
    for name, qs in queries.items():
        for _ in range(5):
            c.request('GET', '/scim/v2/Users?' + qs, headers=h); c.getresponse().read()
        ts = []; c0 = cpu(p.pid)
        for _ in range(n):
            t = time.perf_counter(); c.request('GET', '/scim/v2/Users?' + qs, headers=h); r = c.getresponse(); body = r.read()
            ts.append((time.perf_counter() - t) * 1000)
            assert r.status == 200, body[:200]
        used = (cpu(p.pid) - c0) / n; ts.sort()
        print(f'  {name:18s} p50 {ts[n//2]:6.2f} p90 {ts[int(n*0.9)]:6.2f} ms  server cpu {used:5.2f} ms/req  {len(body)} B')
    p.terminate(); p.wait()
