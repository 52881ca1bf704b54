import http.client, sys, threading, time
tok, path, c, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
out = []; lock = threading.Lock(); left = [n]
def w():
    h = http.client.HTTPConnection('127.0.0.1', 18080)
    while True:
        with lock:
            if left[0] == 0: return
            left[0] -= 1; k = n - left[0]
        t = time.perf_counter(); h.request('GET', '/scim/v2' + path, headers={'Authorization': 'Bearer ' + tok}); r = h.getresponse(); r.read()
        with lock: out.append((k, round((time.perf_counter() - t) * 1e3, 1)))
ts = [threading.Thread(target=w) for _ in range(c)]; [t.start() for t in ts]; [t.join() for t in ts]
out.sort(); print(' '.join(f"{ms}" for k, ms in out))
