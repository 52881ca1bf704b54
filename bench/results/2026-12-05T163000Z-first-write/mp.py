import sys, json
# mp.py BASE TOKEN ROUNDS FIRST: ROUNDS adds then removes of 50 users (ids FIRST..) on the 200k group, one at a time (floors_http.py's PATCHes); p50/p99 of each.
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
import floors_http as f
base, token, rounds, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = f.connect(base)
adds, removes, st = [], [], set()
for r in range(rounds):
    ids = [f"00000000-0000-4000-8000-{first + r * 50 + k:012d}" for k in range(50)]
    members = [{"value": i} for i in ids]
    for op, samples in (("Add", adds), ("Remove", removes)):
        body = {"schemas": [f.PATCH_OP], "Operations": [{"op": op, "path": "members", "value": members}]}
        ms, status, _ = f.timed(conn, "PATCH", f"/scim/v2/Groups/{f.BIG_GROUP}", token, body)
        samples.append(ms); st.add(status)
print(json.dumps({"add": f.figures(adds), "remove": f.figures(removes), "st": sorted(st)}))
