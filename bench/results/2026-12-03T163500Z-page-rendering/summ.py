import json, sys, glob, os
rows = {}
files = sys.argv[1:]
for f in files:
    d = json.load(open(f))
    name = os.path.basename(os.path.dirname(f))[-1:] + '-' + os.path.basename(f).replace('.json', '').replace('-idp','')
    for sc in d['scenarios']:
        if sc['scenario'] == 'ceiling':
            continue
        for op, v in sc['operations'].items():
            rows.setdefault(op, {})[name] = (v['p50_ms'], v['p99_ms'])
        if 'import_seconds' in sc:
            rows.setdefault('import_s', {})[name] = (sc['import_seconds'], 0)
        for k in ('walks',):
            pass
names = [os.path.basename(os.path.dirname(f))[-1:] + '-' + os.path.basename(f).replace('.json', '').replace('-idp','') for f in files]
print('op'.ljust(34) + ''.join(n[-22:].rjust(24) for n in names))
for op in sorted(rows):
    print(op.ljust(34) + ''.join(('%.1f/%.1f' % rows[op][n] if n in rows[op] else '-').rjust(24) for n in names))
