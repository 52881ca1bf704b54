#!/usr/bin/env bash
# small_patch_ab.sh ENVNAME USERS ROUNDS BIN... — floor 6's member PATCHes (add/remove 50 on the
# big mapped group, floors_http.member_patches: 5 warm-up rounds, then RATES timed) on a small
# dataset (prep.sh with USERS=N), per binary in turn, ROUNDS times, the order reversed every
# other round. Each server start is a fresh set of connections.
set -u
envname="$1"; users="$2"; rounds="$3"; shift 3
. /work/data/$envname.env
timed=$(( (users / 2) / 50 - 5 ))
for r in $(seq 1 "$rounds"); do
  order=("$@")
  if [ $((r % 2)) = 0 ]; then order=(); for ((k = $#; k >= 1; k--)); do order+=("${!k}"); done; fi
  for bin in "${order[@]}"; do
    bash /work/main/bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" "$envname" > /dev/null
    python3 - "$TOKEN" "$timed" "$users" "$(basename "$bin")" "$r" <<'PY'
import sys
sys.path.insert(0, "/work/main/bench")
import floors_http
token, timed, users, name, r = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
res = floors_http.member_patches("http://127.0.0.1:18080", token, timed, users)
a, d = res["add_50"], res["remove_50"]
print(f"{name} round {r}: add-50 p50 {a['p50_ms']} p99 {a['p99_ms']} | remove-50 p50 {d['p50_ms']} p99 {d['p99_ms']} | first rounds {res['first_rounds']} {res['statuses']}")
PY
  done
done
pkill -f "serve --listen 127.0.0.1:18080"
