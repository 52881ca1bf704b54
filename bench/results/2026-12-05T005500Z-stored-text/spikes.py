# spikes.py ENV PORT SECONDS — one client, cheap lookups back to back; prints requests over 3 ms with their time
import http.client, sys, time
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[2])); h = {'Authorization': 'Bearer ' + env['TOKEN']}
end = time.time() + float(sys.argv[3]); t00 = time.time(); n = 0; slow = []; lat = []
while time.time() < end:
    p = f'/scim/v2/Users?filter=userName%20eq%20%22user{(n*7919)%1000000:07d}%40bench.example%22'
    t = time.time(); c.request('GET', p, headers=h); c.getresponse().read(); d = time.time() - t; n += 1; lat.append(d)
    if d > 0.003: slow.append((t - t00, d))
lat.sort()
print(f'n {n} p50 {lat[n//2]*1000:.2f} p99 {lat[int(n*.99)]*1000:.2f} p999 {lat[int(n*.999)]*1000:.2f} max {lat[-1]*1000:.1f} ms; over 3 ms: {len(slow)}')
print(' '.join(f'{t:.2f}s:{d*1000:.0f}' for t, d in slow[:80]))
