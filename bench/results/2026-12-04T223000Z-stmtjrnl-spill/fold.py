import collections,sys
samples=[];cur=None
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    if not line.startswith(('\t',' ')) :
        if cur: samples.append(cur)
        cur=[]; continue
    parts=line.strip().split(None,1)
    cur.append(parts[1] if len(parts)>1 else '?')
if cur: samples.append(cur)
print('samples',len(samples))
def under(name, depth=1, top=12):
    c=collections.Counter(); n=0
    for st in samples:
        idx=[i for i,f in enumerate(st) if name in f]
        if not idx: continue
        n+=1; i=idx[-1]
        c[st[i-depth][:120] if i-depth>=0 else '(self)']+=1
    print(f'== {name}: {n} ({100*n/len(samples):.1f}%)')
    for k,v in c.most_common(top): print(f'  {v:5d} {100*v/len(samples):5.1f}% {k}')
for a in sys.argv[2:]:
    under(a)
