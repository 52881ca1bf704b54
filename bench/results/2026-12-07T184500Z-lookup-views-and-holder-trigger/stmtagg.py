import sys, re, collections
d = collections.defaultdict(list)
for line in open(sys.argv[1], errors='replace'):
    m = re.search(r'\[(\d+)\].*duration: ([\d.]+) ms  (parse|bind|execute|statement)[^:]*: (.*)', line)
    if not m: continue
    pid, ms, phase, sql = m.groups()
    key = phase + " " + re.sub(r'\s+', ' ', sql)[:110]
    d[key].append(float(ms))
rows = sorted(d.items(), key=lambda kv: -sum(kv[1]))
for k, v in rows[:40]:
    print(f"{sum(v):9.1f} ms {len(v):6d}x {sum(v)/len(v):7.3f} avg  {k}")
