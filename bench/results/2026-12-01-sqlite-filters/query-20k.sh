#!/usr/bin/env bash
# usage: query.sh GH [concurrency] [users]
GH="$1"; C="${2:-1}"; N="${3:-20000}"
rm -rf /tmp/q && mkdir /tmp/q && url=sqlite:///tmp/q/q.db
token=$($GH directory create bench --database-url $url --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo $token > /tmp/q/token; admin=$($GH admin-token create --database-url $url --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
$GH serve --listen 127.0.0.1:18083 --database-url $url > /tmp/q/log 2>&1 & pid=$!
sleep 1
D=/work/main/target/release/gatehouse-bench
$D --base http://127.0.0.1:18083/scim/v2 --token $token --scenario provision --users $N --groups 100 --members 300 > /dev/null 2>&1
$D --base http://127.0.0.1:18083/scim/v2 --token $token --admin-base http://127.0.0.1:18083/admin/v1 --admin-token $admin --scenario query --users $N --concurrency $C --out /tmp/q/query.json > /dev/null 2>&1
[ -n "$KEEP" ] || { kill $pid; wait $pid 2>/dev/null; }
python3 -c "
import json; s=json.load(open('/tmp/q/query.json'))['scenarios'][0]
for k,v in s['operations'].items(): print(f\"{k:24} n={v['requests']:5} err={v['errors']} p50 {v['p50_ms']:8.2f} p99 {v['p99_ms']:8.2f}\")
print(s['error_examples'])"
