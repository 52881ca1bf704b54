# imp.py ENVFILE N BIN...: startIndex=1..N*100 pages of 100 (the import's own pages) one at a time; p50 ms and server CPU
import http.client, os, subprocess, sys, time
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l); n = int(sys.argv[2])
def cpu(pid):
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split(); return (int(f[11]) + int(f[12])) * 1000.0 / os.sysconf('SC_CLK_TCK')
for b in sys.argv[3:]:
    p = subprocess.Popen([b, 'serve', '--listen', '127.0.0.1:18080', '--database-url', env['URL']], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try: c = http.client.HTTPConnection('127.0.0.1', 18080); c.request('GET', '/healthz'); c.getresponse().read(); break
        except Exception: time.sleep(0.1)
    time.sleep(3); c = http.client.HTTPConnection('127.0.0.1', 18080); h = {'Authorization': 'Bearer ' + env['TOKEN']}
    ts = []; c0 = cpu(p.pid)
    for i in range(n):
        t = time.perf_counter(); c.request('GET', f'/scim/v2/Users?count=100&startIndex={1 + i * 100}', headers=h); r = c.getresponse(); r.read(); ts.append((time.perf_counter() - t) * 1000)
    used = (cpu(p.pid) - c0) / n; ts.sort()
    print(f'{os.path.basename(b):22s} import pages 1..{n}: p50 {ts[n//2]:.2f} p90 {ts[int(n*0.9)]:.2f} ms, server cpu {used:.2f} ms/page')
    p.terminate(); p.wait()
