#!/usr/bin/env bash
# triggers_ab.sh URL — the statements of a 50-member PATCH on the seeded
# 200k-member group (bench/seed_users.py at 1M users, prep.sh), run by psql
# with migration 000022's old (down.sql) and new (up.sql) PostgreSQL
# triggers alternated 3 times. Each statement in its own transaction,
# rolled back (no fsync in the figures). URL with the seeded schema on the
# search path, e.g. postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Drs
# The server must be idle: this swaps triggers under it.
set -euo pipefail
url="$1"; D="$(dirname "$0")/../../../migrations/postgres/2026-12-16-000022_statement_triggers"
python3 - <<'PY'
ids = ",".join("'00000000-0000-4000-8000-%012d'" % (650000 + i) for i in range(50))
mids = ",".join("'00000000-0000-4000-8000-%012d'" % (660000 + i) for i in range(50))
touch = f"UPDATE users SET version = version + 1, updated_at = updated_at + 60000000 WHERE id IN ({ids});"
add = ("INSERT INTO memberships (group_id, member_id, member_type, source, actor, created_at, reason, member_created_at) "
       "SELECT '00000000-0000-4000-9000-000000000000', m, 'User', 'scim', 'x', 1, NULL, 1 "
       f"FROM unnest(ARRAY[{mids}]) m ON CONFLICT DO NOTHING;")
remove = f"DELETE FROM memberships WHERE group_id = '00000000-0000-4000-9000-000000000000' AND member_id IN ({mids});"
open('/tmp/touch1.sql', 'w').write(f"BEGIN;\n{touch}\nROLLBACK;\n" * 300)
open('/tmp/memb1.sql', 'w').write(f"BEGIN;\n{add}\n{remove}\nROLLBACK;\n" * 150)
PY
for round in 1 2 3; do
    psql -qAt "$url" -1 -f "$D/down.sql"
    /usr/bin/time -f "round $round old touch50 x300 %e s" psql -qAt "$url" -f /tmp/touch1.sql > /dev/null
    /usr/bin/time -f "round $round old add50+remove50 x150 %e s" psql -qAt "$url" -f /tmp/memb1.sql > /dev/null
    psql -qAt "$url" -1 -f "$D/up.sql"
    /usr/bin/time -f "round $round new touch50 x300 %e s" psql -qAt "$url" -f /tmp/touch1.sql > /dev/null
    /usr/bin/time -f "round $round new add50+remove50 x150 %e s" psql -qAt "$url" -f /tmp/memb1.sql > /dev/null
done
