#!/usr/bin/env bash
# Seeds 1M users into a fresh PostgreSQL schema pg1m (kept) and writes /tmp/pg1m/dir.json
set -eu
mkdir -p /tmp/pg1m
GH=${1:-/work/main/target/release/gatehouse}
psql -h 127.0.0.1 -U postgres -d test -q -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS pg1m CASCADE; CREATE SCHEMA pg1m;"
url="postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dpg1m"
$GH directory create bench --database-url "$url" --json > /tmp/pg1m/dir.json
D=$(python3 -c 'import json; print(json.load(open("/tmp/pg1m/dir.json"))["id"])')
now=$(date +%s%6N)
time psql -h 127.0.0.1 -U postgres -d test -q <<SQL
SET search_path = pg1m;
INSERT INTO users (id, directory_id, user_name, user_name_key, external_id, display_name, active, attributes, version, created_at, updated_at)
SELECT format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0')), '$D',
       format('user%s@bench.example', lpad(i::text, 7, '0')), format('user%s@bench.example', lpad(i::text, 7, '0')),
       'ext-' || i, 'Bench User ' || i, true,
       json_build_object('name', json_build_object('givenName', 'Given' || i, 'familyName', 'Family' || (i % 997)),
                         'emails', json_build_array(json_build_object('value', format('user%s@bench.example', lpad(i::text, 7, '0')), 'type', 'work', 'primary', true)),
                         'title', 'Engineer',
                         'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', json_build_object('department', 'Dept ' || (i % 20), 'employeeNumber', i::text))::text,
       1, $now + i, $now + i
FROM generate_series(0, 999999) i;
INSERT INTO user_emails (user_id, value_key) SELECT id, user_name_key FROM users WHERE directory_id = '$D';
ANALYZE users; ANALYZE user_emails;
SQL
