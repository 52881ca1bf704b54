import sys, json, urllib.request, time
base, token, start, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
H = {"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"}
G = "00000000-0000-4000-9000-000000000000"
adds, rems = [], []
for r in range(rounds):
    members = [{"value": "00000000-0000-4000-8000-%012d" % (start + r * 50 + k)} for k in range(50)]
    for op, acc in (("Add", adds), ("Remove", rems)):
        body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": op, "path": "members", "value": members}]}).encode()
        t = time.time()
        urllib.request.urlopen(urllib.request.Request(base + "/Groups/" + G, data=body, headers=H, method="PATCH")).read()
        acc.append((time.time() - t) * 1000)
adds.sort(); rems.sort()
print("add p50 %.2f max %.2f | remove p50 %.2f max %.2f" % (adds[len(adds)//2], adds[-1], rems[len(rems)//2], rems[-1]))
