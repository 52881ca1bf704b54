# sqlite_statement.py DB: CPU a page of group_catalog::MemberGroups' SQLite
# statement takes in Python's sqlite3 (its own SQLite, not the server's
# bundled one: compare the rows with each other, not with the server), over
# the first 100 users of each of the 997 families bench/seed_users.py makes.
#   before       : every user's person given (as before c7df3cb)
#   before-none  : the statement before, no person given
#   after        : the statement now (CASE tests the person first), no person
#   after-person : the statement now, every person given (local accounts)
#   ids          : only unpacking the list, to subtract
import sqlite3, json, sys, time
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
c.execute("pragma cache_size=-4096")
def page(k, person):
    ids = [f"00000000-0000-4000-8000-{k + 997 * g:012d}" for g in range(100)]
    return json.dumps({i: ("p-" + i if person else None) for i in ids})
IDS = "FROM (SELECT key AS value, value AS person_id FROM json_each(?)) AS ids"
REST = f"(SELECT v.version FROM group_catalog_version v) {IDS} JOIN memberships m ON m.member_id = ids.value"
BEFORE = ("SELECT m.member_id, m.group_id, CASE WHEN EXISTS (SELECT 1 FROM group_mappings gm "
          "WHERE gm.group_id = m.group_id) THEN (SELECT pe.live FROM persons pe WHERE pe.id = ids.person_id) END, " + REST)
AFTER = ("SELECT m.member_id, m.group_id, CASE WHEN ids.person_id IS NULL THEN NULL WHEN EXISTS "
         "(SELECT 1 FROM group_mappings gm WHERE gm.group_id = m.group_id) "
         "THEN (SELECT pe.live FROM persons pe WHERE pe.id = ids.person_id) END, " + REST)
RUNS = [("before", BEFORE, True), ("before-none", BEFORE, False), ("after", AFTER, False),
        ("after-person", AFTER, True), ("ids", f"SELECT ids.value, ids.person_id {IDS}", True)]
for rnd in range(3):
    for name, sql, person in RUNS:
        t = time.process_time(); n = 0
        for k in range(997):
            n += len(c.execute(sql, (page(k, person),)).fetchall())
        print(f"round {rnd + 1} {name:13} {(time.process_time() - t) / 997 * 1e6:4.0f} us a page ({n} rows)")
