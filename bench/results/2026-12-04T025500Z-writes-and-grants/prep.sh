#!/usr/bin/env bash
# prep.sh URL NAME — floors.sh's prepare step; env GH=binary. Writes NAME.env.
set -euo pipefail
cd /work/main
url="$1"; name="$2"; GH="${GH:-./target/release/gatehouse}"; USERS="${USERS:-1000000}"
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
"$GH" migrate --database-url "$url" > /dev/null
directory="$("$GH" directory create bench --database-url "$url" --json)"
token="$(printf '%s' "$directory" | field token)"
python3 bench/seed_users.py "$url" "$(printf '%s' "$directory" | field id)" "$USERS" --groups 1000 > /dev/null
"$GH" site add Bench --database-url "$url" > /dev/null
for g in $(seq 0 19); do
  key="$(printf 'p%02d' "$g")"
  if [ "$g" = 0 ]; then "$GH" product add "$key" --site Bench --license-cap 250000 --database-url "$url" > /dev/null
  else "$GH" product add "$key" --site Bench --database-url "$url" > /dev/null; fi
  "$GH" map "Bench Group $g" "$key" user --database-url "$url" > /dev/null
done
admin="$("$GH" admin-token create --name floors --database-url "$url" --json | field token)"
case "$url" in postgres*) psql -q "$url" -c "VACUUM ANALYZE users, memberships, persons, licenses, license_dirty, license_counts";; esac
printf 'TOKEN=%s\nADMIN=%s\nURL=%s\n' "$token" "$admin" "$url" > "/work/data/$name.env"
echo done
