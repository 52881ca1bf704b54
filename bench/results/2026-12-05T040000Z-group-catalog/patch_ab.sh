#!/usr/bin/env bash
# patch_ab.sh ENV ROUNDS — floor 6's member PATCHes of the 200k group (floors_http.py: 100 rounds
# of add 50 then remove 50, as Entra sends them) with gh-cat, the group catalog's triggers
# disabled, then enabled, alternated: what counting the catalog's version costs a member PATCH.
# (The PATCHes render no user, so the binary's own change does not enter them.)
R="$(cd "$(dirname "$0")" && pwd)"; B="$R/.."; env="$1"; rounds="$2"
. "/work/data/$env.env"
TRIGGERS="groups:groups_catalog_update groups:groups_catalog_delete group_mappings:group_mappings_catalog_insert group_mappings:group_mappings_catalog_update group_mappings:group_mappings_catalog_delete products:products_catalog_update products:products_catalog_delete"
toggle() {
  for t in $TRIGGERS; do
    case "$URL" in
      postgres*) psql -q "$URL" -c "ALTER TABLE \"${t%%:*}\" $1 TRIGGER ${t#*:}" ;;
    esac
  done
}
for round in $(seq 1 "$rounds"); do for mode in DISABLE ENABLE; do
  toggle "$mode"
  "$B/2026-12-04T163000Z-member-insert/serve.sh" /work/bin/gh-cat "$env" > /dev/null
  pid="$(pgrep -f 'serve --listen 127.0.0.1:18080')"
  python3 - "$pid" <<PY
import sys
sys.path.insert(0, "/work/main/bench")
import floors_http as f
p = f.member_patches("http://127.0.0.1:18080", "$TOKEN", 100, 1000000)
print("round $round triggers ${mode}D:", {k: p[k] for k in p if k in ("add_50", "remove_50")})
PY
done; done
toggle ENABLE
pkill -f 'serve --listen 127.0.0.1:18080'
