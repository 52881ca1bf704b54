#!/usr/bin/env bash
# patches.sh BIN ENV LABEL — floor 6's member PATCHes (floors_http.member_patches: 100 rounds of
# add 50 then remove 50 on the 200k group, as Entra sends them) against one server.
R="$(cd "$(dirname "$0")" && pwd)"; B="$R/.."
"$B/2026-12-04T163000Z-member-insert/serve.sh" "$1" "$2" > /dev/null
. "/work/data/$2.env"
python3 - <<PY
import sys
sys.path.insert(0, "/work/main/bench")
import floors_http as f
p = f.member_patches("http://127.0.0.1:18080", "$TOKEN", 100, 1000000)
print("$3:", {k: p[k] for k in p if k in ("add_50", "remove_50")})
PY
pkill -f 'serve --listen 127.0.0.1:18080'
