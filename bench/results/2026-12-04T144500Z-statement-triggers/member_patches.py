import sys, importlib.util
spec = importlib.util.spec_from_file_location("fh", "/work/main/bench/floors_http.py"); fh = importlib.util.module_from_spec(spec); spec.loader.exec_module(fh)
env = dict(l.strip().split('=', 1) for l in open(sys.argv[1]) if '=' in l)
r = fh.member_patches("http://127.0.0.1:18080", env['TOKEN'], int(sys.argv[2]), 1000000)
print(r)
