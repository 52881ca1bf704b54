#!/usr/bin/env python3
"""Seeds N users into a Gatehouse SQLite database for the lookup benchmark,
shaped as `gatehouse-bench`'s provision makes them (core + enterprise
attributes, a work email, userName user{i:07}@bench.example, each the one
account of a person of its own, where the schema has persons), in one
statement: creating a million users over the API takes ~12 minutes and
the lookup figures don't depend on how the rows arrived.

    gatehouse migrate --database-url sqlite://bench.db
    gatehouse directory create bench --database-url sqlite://bench.db --json
    python3 bench/seed_users.py bench.db DIRECTORY_ID 1000000
"""

import sqlite3
import sys
import time


def main() -> int:
    path, directory, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = sqlite3.connect(path)
    now = int(time.time() * 1_000_000)
    ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
        INSERT INTO users (id, directory_id, user_name, user_name_key, external_id,
                           display_name, active, attributes, version, created_at, updated_at)
        SELECT printf('00000000-0000-4000-8000-%012d', i), ?,
               printf('user%07d@bench.example', i), printf('user%07d@bench.example', i),
               'ext-' || i, 'Bench User ' || i, 1,
               json_object('name', json_object('givenName', 'Given' || i, 'familyName', 'Family' || (i % 997)),
                           'emails', json_array(json_object('value', printf('user%07d@bench.example', i),
                                                            'type', 'work', 'primary', json('true'))),
                           'title', 'Engineer',
                           '{ent}', json_object('department', 'Dept ' || (i % 20),
                                                'employeeNumber', CAST(i AS TEXT))),
               1, ? + i, ? + i
        FROM n
        """,
        (count, directory, now, now),
    )
    db.execute(
        """
        INSERT INTO user_emails (user_id, value_key)
        SELECT id, user_name_key FROM users WHERE directory_id = ?
        """,
        (directory,),
    )
    has_persons = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'persons'"
    ).fetchone()
    if has_persons:
        # Each user is a person of its own, keyed by its work email (as
        # Gatehouse links them): one managed, live person per identity.
        db.execute(
            """
            INSERT INTO persons (id, email_key, managed, live, created_at, updated_at)
            SELECT 'p-' || id, user_name_key, 1, 1, created_at, created_at
            FROM users WHERE directory_id = ? AND person_id IS NULL
            """,
            (directory,),
        )
        db.execute(
            "UPDATE users SET person_id = 'p-' || id WHERE directory_id = ? AND person_id IS NULL",
            (directory,),
        )
    db.commit()
    print(f"seeded {count} users into directory {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
