# attr.py SCRIPT MARKER — share of samples whose stack has MARKER, by the innermost gatehouse frame above it
import sys, re, collections
marker = sys.argv[2]
SKIP = ["cached_statement", "multi_connection", "conn::", "dialect::", "<T as diesel", "load_direct", "execute"]
tot = 0; hit = collections.Counter(); n = 0
for block in open(sys.argv[1]).read().split("\n\n"):
    lines = [l.strip() for l in block.strip().split("\n")[1:]]
    if not lines: continue
    tot += 1
    idx = next((i for i, l in enumerate(lines) if marker in l), None)
    if idx is None: continue
    n += 1
    owner = next((re.sub(r"^[0-9a-f]+ ", "", l)[:110] for l in lines[idx+1:] if ("gatehouse::store::" in l or "gatehouse::access::" in l) and not any(x in l for x in SKIP)), "?")
    hit[owner] += 1
print(f"{marker}: {n}/{tot} = {100*n/tot:.1f}%")
for k, v in hit.most_common(15): print(f"  {100*v/tot:5.1f}%  {k}")
