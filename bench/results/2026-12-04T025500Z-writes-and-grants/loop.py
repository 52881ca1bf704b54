import http.client, sys, time, urllib.parse
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
q = 'count=100&filter=' + urllib.parse.quote(sys.argv[3])
c = http.client.HTTPConnection('127.0.0.1', 18080); h = {'Authorization': 'Bearer ' + env['TOKEN']}
end = time.time() + float(sys.argv[2]); n = 0
while time.time() < end:
    c.request('GET', '/scim/v2/Users?' + q, headers=h); r = c.getresponse(); r.read(); n += 1
print(n, 'requests')
