# patchsplit.py ENVFILE SERVERPID START: 8 threads x 500 title PATCHes (distinct users), CPU split
import sys, threading, time, os
sys.path.insert(0, "/work/main/bench")
import floors_http as f
env = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
spid = int(sys.argv[2]); start = int(sys.argv[3])
base = "http://127.0.0.1:18080"
tick = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    s = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(s[11]) + int(s[12])
def pg():
    t = 0
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if open(f"/proc/{p}/comm").read().strip() == "postgres": t += cpu(int(p))
            except OSError: pass
    return t
N = 500; samples = []; statuses = set()
def work(t):
    conn = f.connect(base)
    for k in range(N):
        i = start + (t * N + k) * 10
        uid = f"00000000-0000-4000-8000-{i:012d}"
        body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "title", "value": f"Title {k % 7}"}]}
        ms, status, _ = f.timed(conn, "PATCH", f"/scim/v2/Users/{uid}", env["TOKEN"], body)
        samples.append(ms); statuses.add(status)
s0, p0, t0 = cpu(spid), pg(), time.time()
threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
for th in threads: th.start()
for th in threads: th.join()
t1 = time.time(); s1, p1 = cpu(spid), pg()
n = 8 * N
samples.sort()
print(f"{n/(t1-t0):.0f}/s p50 {samples[n//2]:.2f} p99 {samples[int(n*0.99)]:.2f} ms statuses {sorted(statuses)}; CPU us a PATCH: server {(s1-s0)/tick/n*1e6:.0f}, postgres {(p1-p0)/tick/n*1e6:.0f}")
