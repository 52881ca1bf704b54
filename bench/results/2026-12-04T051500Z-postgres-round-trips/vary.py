# vary.py ENV FILTER_TEMPLATE N [count] — one client, filter with {i} replaced by i, prints latency percentiles
import http.client, sys, time, urllib.parse
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
tmpl = sys.argv[2]; n = int(sys.argv[3]); count = sys.argv[4] if len(sys.argv) > 4 else '100'
port = int(env.get('PORT', 18080))
c = http.client.HTTPConnection('127.0.0.1', port); h = {'Authorization': 'Bearer ' + env['TOKEN']}
lat = []
for i in range(n):
    q = 'count=' + count + '&filter=' + urllib.parse.quote(tmpl.format(i=i))
    t = time.perf_counter()
    c.request('GET', '/scim/v2/Users?' + q, headers=h); r = c.getresponse(); body = r.read()
    lat.append((time.perf_counter() - t) * 1000)
    if r.status != 200: print(r.status, body[:300]); break
lat.sort()
print('n', n, 'p50 %.2f p90 %.2f p99 %.2f max %.2f ms; bytes %d' % (lat[len(lat)//2], lat[int(len(lat)*.9)], lat[min(len(lat)-1,int(len(lat)*.99))], lat[-1], len(body)))
