import sys, re, statistics
rows = {}
cur = None
for line in open(sys.argv[1]):
    if line.startswith('=='): cur = line.split()[1]; continue
    m = re.match(r'\s+(\S+)\s+p50\s+([\d.]+) p90\s+([\d.]+) ms\s+server cpu\s+([\d.]+)', line)
    if m: rows.setdefault(m.group(1), {}).setdefault(cur, []).append((float(m.group(2)), float(m.group(4))))
bins = sorted({b for r in rows.values() for b in r})
print('median over runs: p50 latency ms / server CPU ms per request (one request at a time)')
print('query'.ljust(18) + ''.join(b.rjust(26) for b in bins))
for q, r in rows.items():
    cells = []
    for b in bins:
        v = r.get(b, [])
        cells.append(('%.2f / %.2f (n=%d)' % (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), len(v))).rjust(26))
    print(q.ljust(18) + ''.join(cells))
