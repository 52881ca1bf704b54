#!/usr/bin/env bash
# ab.sh BIN... : per binary, a new server on /work/data/s.db, 16 warm-up pages, then two
# rounds of 400 pages of each of three filters at 8 clients (pagesplit.py), RSS after;
# then 50k userName lookups at 8 clients on a new server (cpusplit.sh).
cd /work/main; R=bench/results/2026-12-05T110000Z-one-statement-lookup
for bin in "$@"; do
  bash bench/results/2026-12-04T163000Z-member-insert/serve.sh "$bin" s > /dev/null
  PID=$(pgrep -f "serve --listen 127.0.0.1:18080")
  python3 $R/pagesplit.py /work/data/s.env $PID "/Users?count=100&filter=active%20eq%20false" 200 8 >/dev/null
  for i in 1 2; do for f in "active%20eq%20false" "name.familyName%20eq%20%22Family5%22" "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department%20eq%20%22Dept%203%22"; do
    echo "$(basename $bin) ${f:0:12}: $(python3 $R/pagesplit.py /work/data/s.env $PID "/Users?count=100&filter=$f" 400 8)"; done; done
  echo "$(basename $bin) RSS after pages: $(grep VmRSS /proc/$PID/status)"
  echo "$(basename $bin) lookups: $(bash bench/results/2026-12-05T060000Z-hot-touch/cpusplit.sh $bin s)"
done
