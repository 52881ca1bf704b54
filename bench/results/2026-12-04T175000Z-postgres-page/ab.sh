#!/usr/bin/env bash
# ab.sh ENV BIN... — for each binary in turn (twice round): one server on 127.0.0.1:18080, warmed,
# then CPU per request of Okta's probe and of a page of 100 inactive users (one client, 10 s each).
R="$(dirname "$0")"; env="$1"; shift
for round in 1 2; do for bin in "$@"; do
  "$R/../2026-12-04T163000Z-member-insert/serve.sh" "$bin" "$env" > /dev/null
  python3 "$R/par_path.py" "/work/data/$env.env" '/scim/v2/Users?count=100&filter=active%20eq%20false' 1 5 10 > /dev/null
  echo "round $round $(basename "$bin") probe: $(python3 "$R/par_path.py" "/work/data/$env.env" '/scim/v2/Users?count=1' 1 10 10)"
  echo "round $round $(basename "$bin") page:  $(python3 "$R/par_path.py" "/work/data/$env.env" '/scim/v2/Users?count=100&filter=active%20eq%20false' 1 10 10)"
done; done
pkill -f 'serve --listen 127.0.0.1:18080'
