import json,sys;d=json.load(open(sys.argv[1]));s=d['scenarios'][0]['operations']
print(' '.join(f"{n[3:] if n.startswith('eq_') else n}={o['p50_ms']:.2f}/{o['p99_ms']:.2f}" for n,o in sorted(s.items())))
