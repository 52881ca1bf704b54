import sys, json
sys.path.insert(0, "/work/main/bench")
import floors_http as f
base, token, rounds, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = f.connect(base)
adds, removes = [], []
for r in range(rounds):
    ids = [f"00000000-0000-4000-8000-{first + r * 50 + k:012d}" for k in range(50)]
    members = [{"value": i} for i in ids]
    for op, samples in (("Add", adds), ("Remove", removes)):
        body = {"schemas": [f.PATCH_OP], "Operations": [{"op": op, "path": "members", "value": members}]}
        ms, status, _ = f.timed(conn, "PATCH", f"/scim/v2/Groups/{f.BIG_GROUP}", token, body)
        samples.append(round(ms, 1))
print("adds", adds); print("removes", removes)
