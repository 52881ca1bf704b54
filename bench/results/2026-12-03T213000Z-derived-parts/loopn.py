import http.client, sys, urllib.parse
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
q = sys.argv[3]
c = http.client.HTTPConnection('127.0.0.1', 18080); h = {'Authorization': 'Bearer ' + env['TOKEN']}
for _ in range(int(sys.argv[2])):
    c.request('GET', '/scim/v2/Users?' + q, headers=h); r = c.getresponse(); r.read(); assert r.status == 200
