# index_rewrite.py — does SQLite rewrite an index whose column an UPDATE
# sets to the value it already has? 200k rows, 5 indexed text columns; one
# UPDATE per transaction in a savepoint (as the group commit runs them),
# WAL auto-checkpoint off, so the WAL's size counts the frames written.
import os, random, sqlite3, time
for f in ("exp.db", "exp.db-wal", "exp.db-shm"):
    if os.path.exists(f):
        os.remove(f)
c = sqlite3.connect("exp.db", isolation_level=None)
c.execute("pragma journal_mode=wal")
c.execute("create table t(id integer primary key, a text, b text, c text, d text, e text, v int)")
for col in "abcde":
    c.execute(f"create index t_{col} on t({col})")
c.execute("begin")
for i in range(200000):
    c.execute("insert into t values(?,?,?,?,?,?,0)", (i, *("%s%d" % (k, i * m % 200000) for k, m in zip("abcde", (1, 7, 13, 17, 31)))))
c.execute("commit")
c.execute("pragma wal_autocheckpoint=0")
ids = random.sample(range(200000), 2000)
def run(sql):
    c.execute("pragma wal_checkpoint(truncate)")
    t = time.perf_counter()
    for i in ids:
        c.execute("begin"); c.execute("savepoint s"); c.execute(sql, (i,)); c.execute("release s"); c.execute("commit")
    return (time.perf_counter() - t) / len(ids) * 1e6, os.path.getsize("exp.db-wal") / len(ids) / 4120
for _ in range(2):
    print("every column set, same values: %.0f us, %.1f WAL frames per update" % run("update t set a=a,b=b,c=c,d=d,e=e,v=v+1 where id=?"))
    print("only the changed column set:   %.0f us, %.1f WAL frames per update" % run("update t set v=v+1 where id=?"))
