import sys, collections
# usage: agg.py FILE [focus-symbol-substring]
focus = sys.argv[2] if len(sys.argv) > 2 else None
incl = collections.Counter(); total = 0; leafc = collections.Counter()
stack = []
def flush():
    global total
    if not stack: return
    syms = stack
    if focus:
        idx = [i for i,s in enumerate(syms) if focus in s]
        if not idx: return
        syms = syms[:idx[-1]+1]  # callees of the outermost focus frame (stack is leaf-first)
    total += 1
    for s in set(syms): incl[s] += 1
    leafc[syms[0]] += 1
for line in open(sys.argv[1], errors='replace'):
    if not line.strip():
        flush(); stack = []; continue
    if not line.startswith('\t') and not line.startswith(' '):
        flush(); stack = []; continue
    parts = line.split(None, 1)
    if len(parts) == 2: stack.append(parts[1].strip())
flush()
print("samples", total)
for s, c in incl.most_common(int(sys.argv[3]) if len(sys.argv) > 3 else 60):
    print(f"{100*c/total:6.1f}% {s[:150]}")
