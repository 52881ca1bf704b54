# lookab.sh ENV BIN... — floor 8's lookup run (c=8, 50,000 userName eq) per binary; p50/p99 and req/s
E=$1; shift
URL=$(grep ^URL= $E | cut -d= -f2-); TOKEN=$(grep ^TOKEN= $E | cut -d= -f2-)
for b in "$@"; do
  /work/bin/$b serve --listen 127.0.0.1:18080 --database-url "$URL" > /tmp/srv-$b.log 2>&1 & PID=$!
  sleep 3
  /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario lookup --users 1000000 --lookups 20000 --concurrency 8 --no-ceiling --out /tmp/warm.json > /dev/null
  /work/main/target/release/gatehouse-bench --base http://127.0.0.1:18080/scim/v2 --token $TOKEN --scenario lookup --users 1000000 --lookups 50000 --concurrency 8 --no-ceiling --out /tmp/look-$b.json > /dev/null
  python3 -c "
import json; d=json.load(open('/tmp/look-$b.json'))['scenarios'][0]
print('$b', 'req/s', d['req_per_s'], 'p50', d['p50_ms'], 'p99', d['p99_ms'])"
  kill $PID; wait $PID 2>/dev/null
done
