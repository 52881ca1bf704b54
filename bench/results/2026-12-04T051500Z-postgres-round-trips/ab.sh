# ab.sh ENV FILTER MOD SECS PROCS BIN... — alternates binaries, 2 rounds
E=$1; F=$2; M=$3; S=$4; P=$5; shift 5
URL=$(grep ^URL= $E | cut -d= -f2-)
for round in 1 2; do for B in "$@"; do
  while curl -s -o /dev/null 127.0.0.1:18080/healthz; do sleep 0.3; done
  $B serve --listen 127.0.0.1:18080 --database-url "$URL" > /dev/null 2>&1 & PID=$!
  for i in $(seq 50); do curl -s -o /dev/null 127.0.0.1:18080/healthz && break; sleep 0.2; done
  python3 /tmp/par.py $E "$F" 2 2 $M > /dev/null
  echo "$(basename $B) c=$P: $(python3 /tmp/par.py $E "$F" $P $S $M)"
  kill $PID; wait $PID 2>/dev/null
done; done
