import http.client, json, sys, time, urllib.parse
token = json.load(open('/tmp/m1/dir.json'))['token']
c = http.client.HTTPConnection('127.0.0.1', 18081)
cursor, pages, users, t, cap = '', 0, 0, time.time(), float(sys.argv[1])
worst = 0
while True:
    s = time.time()
    c.request('GET', '/scim/v2/Users?count=200&attributes=userName&cursor=' + urllib.parse.quote(cursor), headers={'Authorization': 'Bearer ' + token})
    b = json.loads(c.getresponse().read()); worst = max(worst, time.time() - s)
    pages += 1; users += len(b.get('Resources', []))
    cursor = b.get('nextCursor')
    if not cursor or time.time() - t > cap: break
print(f"{users} users in {pages} pages, {time.time()-t:.1f} s, slowest page {worst*1000:.1f} ms, done={not cursor}")
