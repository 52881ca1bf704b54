# tails.py ENV PORT PATH_TEMPLATE TOTAL — 8 processes share TOTAL requests (the bench's fan-out: 8 at a time);
# prints each request's latency in start order and where the slowest ones fell.
import http.client, sys, time, multiprocessing as mp
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
port, tmpl, total = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def work(k, q, counter, lock, barrier):
    c = http.client.HTTPConnection('127.0.0.1', port); h = {'Authorization': 'Bearer ' + env['TOKEN']}
    c.request('GET', '/healthz'); c.getresponse().read()
    barrier.wait()
    out = []
    while True:
        with lock:
            i = counter.value; counter.value += 1
        if i >= total: break
        p = tmpl.format(i=i, d=i % 20, f=i % 997)
        t0 = time.time(); c.request('GET', p, headers=h); r = c.getresponse(); r.read()
        out.append((t0, time.time() - t0, i))
    q.put(out)
q = mp.Queue(); counter = mp.Value('i', 0); lock = mp.Lock(); barrier = mp.Barrier(8)
ps = [mp.Process(target=work, args=(k, q, counter, lock, barrier)) for k in range(8)]
[p.start() for p in ps]; res = []
for _ in ps: res += q.get()
[p.join() for p in ps]
res.sort(); t0 = res[0][0]
lat = sorted(r[1] for r in res)
print(f'n {len(res)} p50 {lat[len(lat)//2]*1000:.1f} p99 {lat[int(len(lat)*.99)]*1000:.1f} max {lat[-1]*1000:.1f} ms')
print('in start order (ms):', ' '.join(f'{r[1]*1000:.0f}' for r in res[:60]))
slow = sorted(res, key=lambda r: -r[1])[:6]
print('slowest: ', ', '.join(f'#{res.index(r)} at +{(r[0]-t0)*1000:.0f} ms: {r[1]*1000:.1f}' for r in slow))
