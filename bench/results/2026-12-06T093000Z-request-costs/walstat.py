"""walstat.py DB: the frames of the WAL beside DB (its last cycle), per commit,
and which b-tree each frame's page belongs to (sqlite3 dbstat), in pages a commit."""
import struct, sys, collections, sqlite3, subprocess
db = sys.argv[1]
w = open(db + "-wal", "rb").read()
magic, ver, psz, ckseq, s1, s2, c1, c2 = struct.unpack(">IIIIIIII", w[:32])
off = 32; frames = []; commits = 0
while off + 24 + psz <= len(w):
    pg, size, fs1, fs2 = struct.unpack(">IIII", w[off:off+16])
    if (fs1, fs2) != (s1, s2): break
    frames.append((pg, size)); off += 24 + psz
per = []; cur = []
for pg, size in frames:
    cur.append(pg)
    if size: per.append(cur); cur = []
print(f"{len(frames)} frames, {len(per)} commits, {len(frames)/max(1,len(per)):.1f} frames a commit")
# page -> btree name
names = {}
out = subprocess.run(["sqlite3", db, "select pageno, name from dbstat"], capture_output=True, text=True).stdout
for l in out.splitlines():
    p, n = l.split("|", 1); names[int(p)] = n
c = collections.Counter()
for com in per:
    for pg in set(com): c[names.get(pg, "?")] += 1
for n, k in c.most_common(40): print(f"{k/len(per):6.2f} {n}")
