#!/usr/bin/env python3
"""Seeds N users into a Gatehouse database (SQLite file or PostgreSQL URL)
for the read benchmarks, shaped as `gatehouse-bench`'s provision makes
them, in a few statements: creating a million users over the API takes
~12 minutes and the read figures don't depend on how the rows arrived.

User i has id 00000000-0000-4000-8000-{i:012}, userName and work email
user{i:07}@bench.example, externalId ext-{i}, displayName "Bench User {i}",
familyName Family{i % 997}, enterprise employeeNumber {i}, department
"Dept {i % 20}" and, as manager, the first user of its block of 50; every
tenth user (i % 10 == 0) is deactivated; every fiftieth (i % 50 == 3) is a
contractor, whose work email is user{i:07}@contractor.example. The users
were created 40 days ago, one a millisecond; one in a hundred
(i % 100 == 7) was modified 30 minutes ago. Each user is the one
account of a person of its own (as Gatehouse links them), live while active.
The directory's kept user counts (table user_counts) are set to match, and the
kept value rows the triggers wrote (user_value_counts) are folded.

With --groups G (at least 2), also G groups "Bench Group {g}" (id
00000000-0000-4000-9000-{g:012}): group 0 holds the first min(200,000, N/2)
users, every other user is in one of the groups 1..G-1 (i % (G-1) + 1).

    gatehouse migrate --database-url sqlite://bench.db
    gatehouse directory create bench --database-url sqlite://bench.db --json
    python3 bench/seed_users.py bench.db DIRECTORY_ID 1000000 [--groups 1000]
    python3 bench/seed_users.py 'postgres://…?options=-csearch_path%3Dx' DIRECTORY_ID 1000000

PostgreSQL is seeded through `psql`, and analyzed afterwards (as
autovacuum would soon do).
"""

import sqlite3
import subprocess
import sys
import time

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


DAY_US = 86_400_000_000


# The kept value rows of one directory written since the last fold, as one
# folded row per value (what store::value_counts::fold leaves).
FOLD_VALUES = """
    INSERT INTO user_value_counts (directory_id, attribute, value_key, users, folded)
    SELECT directory_id, attribute, value_key, sum(users), TRUE FROM user_value_counts
    WHERE NOT folded AND directory_id = ? GROUP BY directory_id, attribute, value_key
"""


# The directory's kept user counts as one row (what store::user_counts::fold
# leaves), whatever the users' triggers wrote while they were seeded: since
# migration 000029 a row per user on SQLite, which the server would sum on
# every count until its upkeep folded them; before it, only the inactive.
DROP_COUNTS = "DELETE FROM user_counts WHERE directory_id = ?"
RECOUNT = """
    INSERT INTO user_counts (directory_id, users, changes, inactive)
    SELECT directory_id, count(*), count(*), sum(CASE WHEN active THEN 0 ELSE 1 END)
    FROM users WHERE directory_id = ? GROUP BY directory_id
"""


def inline(sql: str, *values) -> str:
    """`sql` with each `?` replaced by the next value, as a literal (for psql)."""
    for v in values:
        literal = f"'{v}'" if isinstance(v, str) else str(int(v))
        sql = sql.replace("?", literal, 1)
    return sql


def seed_sqlite(path: str, directory: str, count: int, groups: int, now: int) -> None:
    db = sqlite3.connect(path)
    # As the server writes user_emails.value_reversed (SQLite has no reverse()).
    db.create_function("reverse", 1, lambda s: None if s is None else s[::-1], deterministic=True)
    db.execute("PRAGMA journal_mode=WAL")
    created = now - 40 * DAY_US
    big = min(200_000, count // 2)
    # Each user is written with its person's id, as the server writes an
    # account (access::persons). Setting it by an UPDATE afterwards, as this
    # seed once did, rewrote every user: on PostgreSQL a second version of
    # each row, entered anew in all of the table's indexes (users 894 MB at
    # 200k users that way, 590 MB this way), a dataset no server makes.
    db.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :count)
        INSERT INTO users (id, directory_id, user_name, user_name_key, external_id,
                           display_name, active, attributes, version, created_at, updated_at,
                           person_id, group_ids)
        SELECT printf('00000000-0000-4000-8000-%012d', i), :directory,
               printf('user%07d@bench.example', i), printf('user%07d@bench.example', i),
               'ext-' || i, 'Bench User ' || i, i % 10 != 0,
               json_object('name', json_object('givenName', 'Given' || i, 'familyName', 'Family' || (i % 997)),
                           'emails', json_array(json_object(
                               'value', printf('user%07d@%s', i,
                                   CASE WHEN i % 50 = 3 THEN 'contractor.example' ELSE 'bench.example' END),
                               'type', 'work', 'primary', json('true'))),
                           'title', 'Engineer',
                           '{ENTERPRISE}', json_object('department', 'Dept ' || (i % 20),
                                                'employeeNumber', CAST(i AS TEXT),
                                                'manager', json_object('value',
                                                    printf('00000000-0000-4000-8000-%012d', i / 50 * 50)))),
               1, :created + i * 1000,
               CASE WHEN i % 100 = 7 THEN :now - 1800000000 ELSE :created + i * 1000 END,
               printf('p-00000000-0000-4000-8000-%012d', i),
               -- Its group (below), as the server keeps it on the row.
               CASE WHEN :groups >= 2 THEN printf('00000000-0000-4000-9000-%012d',
                   CASE WHEN i < :big THEN 0 ELSE i % (:groups - 1) + 1 END) ELSE '' END
        FROM n
        """,
        {"count": count, "directory": directory, "created": created, "now": now,
         "groups": groups, "big": big},
    )
    db.execute(
        """
        INSERT INTO user_emails (user_id, value_key, type_key, value_reversed, directory_id,
                                 user_created_at, domain_key, first_at_domain,
                                 first_at_domain_of_type)
        SELECT id, key, 'work', reverse(key), directory_id, created_at,
               substr(key, instr(key, '@')), 1, 1
        FROM (SELECT id, directory_id, created_at,
                     lower(json_extract(attributes, '$.emails[0].value')) AS key
              FROM users WHERE directory_id = ?)
        """,
        (directory,),
    )
    db.execute(
        """
        INSERT INTO persons (id, email_key, managed, live, created_at, updated_at)
        SELECT person_id, user_name_key, 1, active, created_at, created_at
        FROM users WHERE directory_id = ?
        """,
        (directory,),
    )
    db.execute(DROP_COUNTS, (directory,))
    db.execute(RECOUNT, (directory,))
    if groups >= 2:
        params = {"directory": directory, "groups": groups, "created": created, "big": big,
                  "count": count}
        db.execute(
            """
            WITH RECURSIVE n(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM n WHERE g + 1 < :groups)
            INSERT INTO "groups" (id, directory_id, display_name, display_name_key, external_id,
                                  attributes, version, created_at, updated_at)
            SELECT printf('00000000-0000-4000-9000-%012d', g), :directory, 'Bench Group ' || g,
                   'bench group ' || g, 'gext-' || g, '{}', 1, :created + g, :created + g
            FROM n
            """,
            params,
        )
        db.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :count)
            INSERT INTO memberships (group_id, member_id, member_type, source, actor, created_at,
                                     member_created_at)
            SELECT printf('00000000-0000-4000-9000-%012d',
                          CASE WHEN i < :big THEN 0 ELSE i % (:groups - 1) + 1 END),
                   printf('00000000-0000-4000-8000-%012d', i), 'User', 'scim', 'bench', :created,
                   :created + i * 1000
            FROM n
            """,
            params,
        )
    # The memberships' triggers noted every member for the store to settle
    # its licenses (store::licenses); with no product mapped yet there is
    # nothing to settle.
    db.execute("DELETE FROM license_dirty")
    # The users' triggers kept a +1 row per user for its department, family
    # name and minute last modified (on PostgreSQL the email elements' too,
    # for its domain) (store::value_counts); fold them as the server's upkeep
    # would, so that a benchmark's first minute does not share the cores
    # with folding millions of rows.
    db.execute(FOLD_VALUES, (directory,))
    db.execute("DELETE FROM user_value_counts WHERE NOT folded AND directory_id = ?", (directory,))
    db.commit()


def seed_postgres(url: str, directory: str, count: int, groups: int, now: int) -> None:
    if not all(c.isalnum() or c == "-" for c in directory):
        raise SystemExit(f"unexpected directory id {directory!r}")
    created = now - 40 * DAY_US
    big = min(200_000, count // 2)
    group_sql = f"""
    INSERT INTO "groups" (id, directory_id, display_name, display_name_key, external_id,
                          attributes, version, created_at, updated_at)
    SELECT format('00000000-0000-4000-9000-%s', lpad(g::text, 12, '0')), '{directory}',
           'Bench Group ' || g, 'bench group ' || g, 'gext-' || g, '{{}}', 1, {created} + g, {created} + g
    FROM generate_series(0, {groups - 1}) g;
    INSERT INTO memberships (group_id, member_id, member_type, source, actor, created_at,
                             member_created_at)
    SELECT format('00000000-0000-4000-9000-%s',
                  lpad((CASE WHEN i < {big} THEN 0 ELSE i % ({groups} - 1) + 1 END)::text, 12, '0')),
           format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0')), 'User', 'scim', 'bench', {created},
           {created} + i * 1000
    FROM generate_series(0, {count - 1}) i;
    """ if groups >= 2 else ""
    member_of = (f"format('00000000-0000-4000-9000-%s', lpad((CASE WHEN i < {big} THEN 0 "
                 f"ELSE i % ({groups} - 1) + 1 END)::text, 12, '0'))" if groups >= 2 else "''")
    sql = f"""
    \\set ON_ERROR_STOP on
    BEGIN;
    INSERT INTO users (id, directory_id, user_name, user_name_key, external_id, display_name,
                       active, attributes, version, created_at, updated_at, person_id, group_ids)
    SELECT format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0')), '{directory}',
           format('user%s@bench.example', lpad(i::text, 7, '0')),
           format('user%s@bench.example', lpad(i::text, 7, '0')),
           'ext-' || i, 'Bench User ' || i, i % 10 <> 0,
           json_build_object(
               'name', json_build_object('givenName', 'Given' || i, 'familyName', 'Family' || (i % 997)),
               -- Written as the server writes it (compact, in this
               -- order): json_build_object spaces its keys out, and a
               -- write compares a user's stored emails by their text
               -- (`same_emails`), so spaced ones cost every PATCH of a
               -- seeded user a read no user created by an IdP pays.
               'emails', format('[{{"value":"user%s@%s","type":"work","primary":true}}]',
                   lpad(i::text, 7, '0'),
                   CASE WHEN i % 50 = 3 THEN 'contractor.example' ELSE 'bench.example' END)::json,
               'title', 'Engineer',
               '{ENTERPRISE}', json_build_object(
                   'department', 'Dept ' || (i % 20), 'employeeNumber', i::text,
                   'manager', json_build_object('value',
                       format('00000000-0000-4000-8000-%s', lpad((i / 50 * 50)::text, 12, '0')))))::text,
           1, {created} + i * 1000,
           CASE WHEN i % 100 = 7 THEN {now} - 1800000000 ELSE {created} + i * 1000 END,
           format('p-00000000-0000-4000-8000-%s', lpad(i::text, 12, '0')),
           -- Its group (below), as the server keeps it on the row.
           {member_of}
    FROM generate_series(0, {count - 1}) i;
    INSERT INTO user_emails (user_id, value_key, type_key, value_reversed, directory_id,
                             user_created_at, domain_key, first_at_domain,
                             first_at_domain_of_type)
        SELECT id, key, 'work', reverse(key), directory_id, created_at,
               substring(key FROM '@[^@]*$'), true, true
        FROM (SELECT id, directory_id, created_at,
                     lower(attributes::jsonb #>> '{{emails,0,value}}') AS key
              FROM users WHERE directory_id = '{directory}') k;
    INSERT INTO persons (id, email_key, managed, live, created_at, updated_at)
        SELECT person_id, user_name_key, true, active, created_at, created_at
        FROM users WHERE directory_id = '{directory}';
    {inline(DROP_COUNTS, directory)};
    {inline(RECOUNT, directory)};
    {group_sql}
    DELETE FROM license_dirty;
    {inline(FOLD_VALUES, directory)};
    DELETE FROM user_value_counts WHERE NOT folded AND directory_id = '{directory}';
    COMMIT;
    VACUUM ANALYZE;
    """
    subprocess.run(["psql", "-q", url], input=sql, text=True, check=True)


def main() -> int:
    args = sys.argv[1:]
    groups = 0
    if "--groups" in args:
        at = args.index("--groups")
        groups = int(args[at + 1])
        del args[at : at + 2]
    target, directory, count = args[0], args[1], int(args[2])
    now = int(time.time() * 1_000_000)
    if target.startswith(("postgres://", "postgresql://")):
        seed_postgres(target, directory, count, groups, now)
    else:
        seed_sqlite(target.removeprefix("sqlite://"), directory, count, groups, now)
    print(f"seeded {count} users into directory {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
