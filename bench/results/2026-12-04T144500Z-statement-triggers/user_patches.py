import sys, json, time, http.client
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
n = int(sys.argv[2]); base = int(sys.argv[3])
c = http.client.HTTPConnection('127.0.0.1', 18080)
h = {'Authorization': 'Bearer ' + env['TOKEN'], 'Content-Type': 'application/scim+json'}
lat = []
for k in range(n):
    uid = '00000000-0000-4000-8000-%012d' % (base + k * 7)
    body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "title", "value": "T%d" % time.time_ns()}]})
    t = time.perf_counter(); c.request('PATCH', '/scim/v2/Users/' + uid, body, h); r = c.getresponse(); r.read(); lat.append(time.perf_counter() - t)
    assert r.status == 200, r.status
lat.sort(); print(f'user PATCH n={n} p50 {lat[n//2]*1000:.2f} p90 {lat[int(n*.9)]*1000:.2f} p99 {lat[int(n*.99)]*1000:.2f} ms')
