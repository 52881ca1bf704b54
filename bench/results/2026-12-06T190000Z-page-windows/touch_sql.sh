#!/usr/bin/env bash
# touch_sql.sh KIND — writes the psql script of one touch measurement to stdout, for
#   psql -q postgres://postgres@127.0.0.1:5432/test -f <(bash touch_sql.sh KIND)
# on a 1M-user copy in schema pg1m (prep.sh). Every run touches 50 seeded users not touched
# before and rolls back. KIND:
#   with-trigger  the touch's UPDATE users, timed, six times (the first plans the trigger)
#   on-off        the same, alternating with users_modified_update disabled in the transaction
#   alone         the trigger's UPDATE user_modified_at from a temp copy of the 50 rows, and its join
#   wal           the WAL bytes of that UPDATE and of the users' UPDATE with its trigger
set -euo pipefail
kind="$1"
now=$(python3 -c "import time; print(int(time.time() * 1e6))")
ids() { python3 -c "print(','.join(f\"'00000000-0000-4000-8000-{$1 + k:012d}'\" for k in range(50)))"; }
warm() { echo "SELECT count(*) FROM users WHERE id IN ($1);"
         echo "SELECT count(*) FROM user_modified_at WHERE user_id IN ($1);"; }
touch_users() { echo "UPDATE users SET version = version + 1, updated_at = $now WHERE id IN ($1);"; }
copy_rows() { echo "CREATE TEMP TABLE tt ON COMMIT DROP AS SELECT * FROM users WHERE id IN ($1);"
              echo "UPDATE tt SET updated_at = $now;"; }
move_aside="UPDATE user_modified_at m SET updated_at = a.updated_at, directory_id = a.directory_id FROM tt a WHERE m.user_id = a.id AND (m.updated_at <> a.updated_at OR m.directory_id <> a.directory_id);"
echo "SET search_path = pg1m;"
case "$kind" in
    with-trigger)
        for r in 1 2 3 4 5 6; do
            i=$(ids $((600000 + r * 1000))); warm "$i"
            echo "BEGIN;"; echo "\\timing on"; touch_users "$i"; echo "\\timing off"; echo "ROLLBACK;"
        done ;;
    on-off)
        for r in 5 6 7 8 9; do for t in on off; do
            i=$(ids $((500000 + r * 1000))); warm "$i"
            echo "BEGIN;"
            if [ "$t" = off ]; then echo "ALTER TABLE users DISABLE TRIGGER users_modified_update;"; fi
            echo "\\echo $t"; echo "\\timing on"; touch_users "$i"; echo "\\timing off"; echo "ROLLBACK;"
        done; done ;;
    alone)
        for r in 1 2 3 4; do
            i=$(ids $((720000 + r * 1000)))
            echo "BEGIN;"; copy_rows "$i"; echo "SELECT count(*) FROM user_modified_at WHERE user_id IN ($i);"
            echo "\\timing on"; echo "$move_aside"
            echo "SELECT count(*) FROM user_modified_at m JOIN tt a ON m.user_id = a.id;"
            echo "\\timing off"; echo "ROLLBACK;"
        done ;;
    wal)
        for r in 5 6; do
            i=$(ids $((720000 + r * 1000)))
            echo "BEGIN;"; copy_rows "$i"
            echo "SELECT pg_current_wal_insert_lsn() AS a \\gset"
            echo "UPDATE user_modified_at m SET updated_at = a.updated_at, directory_id = a.directory_id FROM tt a WHERE m.user_id = a.id;"
            echo "SELECT pg_current_wal_insert_lsn() AS b \\gset"
            echo "SELECT 'modified_at' AS t, pg_wal_lsn_diff(:'b', :'a') AS wal_bytes;"
            echo "UPDATE users SET version = version + 1 WHERE id IN ($i);"
            echo "SELECT pg_current_wal_insert_lsn() AS c \\gset"
            echo "SELECT 'users (trigger included)' AS t, pg_wal_lsn_diff(:'c', :'b') AS wal_bytes;"
            echo "ROLLBACK;"
        done
        echo "SHOW full_page_writes; SHOW wal_compression; SHOW checkpoint_timeout;" ;;
    *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
