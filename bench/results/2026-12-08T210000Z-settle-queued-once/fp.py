import sys, json
sys.path.insert(0, "/work/main/bench")
import floors_http as f
base, token, rounds, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
orig = f.member_patches
# shift the users added so repeated runs add fresh users
import types
def run():
    conn = f.connect(base)
    adds, rems = [], []
    for r in range(rounds + 5):
        ids = [f"00000000-0000-4000-8000-{first + r * 50 + k:012d}" for k in range(50)]
        members = [{"value": i} for i in ids]
        for op, s in (("Add", adds), ("Remove", rems)):
            body = {"schemas": [f.PATCH_OP], "Operations": [{"op": op, "path": "members", "value": members}]}
            ms, st, _ = f.timed(conn, "PATCH", f"/scim/v2/Groups/{f.BIG_GROUP}", token, body)
            if r >= 5: s.append(ms)
    print(json.dumps({"add": f.figures(adds), "remove": f.figures(rems)}))
run()
