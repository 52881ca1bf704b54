# patch.py ENV ROUNDS [PORT] — floor 6's member PATCH loop; prints figures and the series
import sys; sys.path.insert(0, "/work/main/bench")
from floors_http import connect, timed, figures, BIG_GROUP, PATCH_OP
env = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
rounds = int(sys.argv[2]); port = sys.argv[3] if len(sys.argv) > 3 else "18080"
conn = connect(f"http://127.0.0.1:{port}")
adds, removes = [], []
first = 200_000
for r in range(rounds):
    ids = [f"00000000-0000-4000-8000-{first + r * 50 + k:012d}" for k in range(50)]
    members = [{"value": i} for i in ids]
    for op, s in (("Add", adds), ("Remove", removes)):
        body = {"schemas": [PATCH_OP], "Operations": [{"op": op, "path": "members", "value": members}]}
        ms, status, _ = timed(conn, "PATCH", f"/scim/v2/Groups/{BIG_GROUP}", env["TOKEN"], body)
        assert status == 204, status
        s.append(ms)
print("add", figures(adds), "remove", figures(removes))
print("add series", " ".join(f"{x:.0f}" for x in adds))
print("rem series", " ".join(f"{x:.0f}" for x in removes))
