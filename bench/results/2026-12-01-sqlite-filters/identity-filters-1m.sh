#!/usr/bin/env bash
# usage: filters.sh GH DB -> time of IdP/auditor filters at 1M users (3 runs each)
TOKEN=$(python3 -c 'import json; print(json.load(open("/tmp/m1/dir.json"))["token"])')
$1 serve --listen 127.0.0.1:18081 --database-url sqlite://$2 > /dev/null 2>&1 & pid=$!; sleep 1.5
for f in 'userName%20eq%20%22user0123456@bench.example%22' 'emails.value%20eq%20%22user0123456@bench.example%22' 'userName%20sw%20%22user012345%22' 'externalId%20eq%20%22ext-123456%22' 'emails%5Btype%20eq%20%22work%22%20and%20value%20eq%20%22user0123456@bench.example%22%5D' 'emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22user0123456@bench.example%22' 'displayName%20eq%20%22Bench%20User%20123456%22' ; do
  for i in 1 2 3; do curl -s -o /tmp/body.json -w "%{time_total} " -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18081/scim/v2/Users?filter=$f&count=10"; done
  python3 -c "import json; b=json.load(open('/tmp/body.json')); print(b.get('totalResults', b), '$f')"
done
kill $pid; wait $pid 2>/dev/null
