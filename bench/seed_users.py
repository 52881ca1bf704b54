#!/usr/bin/env python3
"""Seeds N users into a Gatehouse database (SQLite file or PostgreSQL URL)
for the read benchmarks, shaped as `gatehouse-bench`'s provision makes
them, in a few statements: creating a million users over the API takes
~12 minutes and the read figures don't depend on how the rows arrived.

User i has id 00000000-0000-4000-8000-{i:012}, userName and work email
user{i:07}@bench.example, externalId ext-{i}, displayName "Bench User {i}",
familyName Family{i % 997}, enterprise employeeNumber {i}, department
"Dept {i % 20}" and, as manager, the first user of its block of 50; every
tenth user (i % 10 == 0) is deactivated. Each user is the one account of a
person of its own (as Gatehouse links them), live while active. The
directory's kept user count (table user_counts) is set to match.

    gatehouse migrate --database-url sqlite://bench.db
    gatehouse directory create bench --database-url sqlite://bench.db --json
    python3 bench/seed_users.py bench.db DIRECTORY_ID 1000000
    python3 bench/seed_users.py 'postgres://…?options=-csearch_path%3Dx' DIRECTORY_ID 1000000

PostgreSQL is seeded through `psql`, and analyzed afterwards (as
autovacuum would soon do).
"""

import sqlite3
import subprocess
import sys
import time

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def seed_sqlite(path: str, directory: str, count: int, now: int) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
        INSERT INTO users (id, directory_id, user_name, user_name_key, external_id,
                           display_name, active, attributes, version, created_at, updated_at)
        SELECT printf('00000000-0000-4000-8000-%012d', i), ?,
               printf('user%07d@bench.example', i), printf('user%07d@bench.example', i),
               'ext-' || i, 'Bench User ' || i, i % 10 != 0,
               json_object('name', json_object('givenName', 'Given' || i, 'familyName', 'Family' || (i % 997)),
                           'emails', json_array(json_object('value', printf('user%07d@bench.example', i),
                                                            'type', 'work', 'primary', json('true'))),
                           'title', 'Engineer',
                           '{ENTERPRISE}', json_object('department', 'Dept ' || (i % 20),
                                                'employeeNumber', CAST(i AS TEXT),
                                                'manager', json_object('value',
                                                    printf('00000000-0000-4000-8000-%012d', i / 50 * 50)))),
               1, ? + i, ? + i
        FROM n
        """,
        (count, directory, now, now),
    )
    db.execute(
        "INSERT INTO user_emails (user_id, value_key) SELECT id, user_name_key FROM users WHERE directory_id = ?",
        (directory,),
    )
    db.execute(
        """
        INSERT INTO persons (id, email_key, managed, live, created_at, updated_at)
        SELECT 'p-' || id, user_name_key, 1, active, created_at, created_at
        FROM users WHERE directory_id = ? AND person_id IS NULL
        """,
        (directory,),
    )
    db.execute(
        "UPDATE users SET person_id = 'p-' || id WHERE directory_id = ? AND person_id IS NULL",
        (directory,),
    )
    db.execute(
        "INSERT INTO user_counts (directory_id, users, changes) VALUES (?, ?, ?)",
        (directory, count, count),
    )
    db.commit()


def seed_postgres(url: str, directory: str, count: int, now: int) -> None:
    if not all(c.isalnum() or c == "-" for c in directory):
        raise SystemExit(f"unexpected directory id {directory!r}")
    sql = f"""
    \\set ON_ERROR_STOP on
    BEGIN;
    INSERT INTO users (id, directory_id, user_name, user_name_key, external_id, display_name,
                       active, attributes, version, created_at, updated_at)
    SELECT format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0')), '{directory}',
           format('user%s@bench.example', lpad(i::text, 7, '0')),
           format('user%s@bench.example', lpad(i::text, 7, '0')),
           'ext-' || i, 'Bench User ' || i, i % 10 <> 0,
           json_build_object(
               'name', json_build_object('givenName', 'Given' || i, 'familyName', 'Family' || (i % 997)),
               'emails', json_build_array(json_build_object(
                   'value', format('user%s@bench.example', lpad(i::text, 7, '0')),
                   'type', 'work', 'primary', true)),
               'title', 'Engineer',
               '{ENTERPRISE}', json_build_object(
                   'department', 'Dept ' || (i % 20), 'employeeNumber', i::text,
                   'manager', json_build_object('value',
                       format('00000000-0000-4000-8000-%s', lpad((i / 50 * 50)::text, 12, '0')))))::text,
           1, {now} + i, {now} + i
    FROM generate_series(0, {count - 1}) i;
    INSERT INTO user_emails (user_id, value_key)
        SELECT id, user_name_key FROM users WHERE directory_id = '{directory}';
    INSERT INTO persons (id, email_key, managed, live, created_at, updated_at)
        SELECT 'p-' || id, user_name_key, true, active, created_at, created_at
        FROM users WHERE directory_id = '{directory}' AND person_id IS NULL;
    UPDATE users SET person_id = 'p-' || id WHERE directory_id = '{directory}' AND person_id IS NULL;
    INSERT INTO user_counts (directory_id, users, changes) VALUES ('{directory}', {count}, {count});
    COMMIT;
    VACUUM ANALYZE users;
    VACUUM ANALYZE user_emails;
    VACUUM ANALYZE persons;
    """
    subprocess.run(["psql", "-q", url], input=sql, text=True, check=True)


def main() -> int:
    target, directory, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    now = int(time.time() * 1_000_000)
    if target.startswith(("postgres://", "postgresql://")):
        seed_postgres(target, directory, count, now)
    else:
        seed_sqlite(target.removeprefix("sqlite://"), directory, count, now)
    print(f"seeded {count} users into directory {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
