# patch_ab.sh ENV ROUNDS BIN... — floor 6's PATCH loop per binary (alternated by the caller), server CPU per PATCH
E=$1; R=$2; shift 2
URL=$(grep ^URL= $E | cut -d= -f2-)
for b in "$@"; do
  /work/bin/$b serve --listen 127.0.0.1:18080 --database-url "$URL" > /tmp/srv-$b.log 2>&1 & PID=$!
  sleep 3; python3 /work/bin/patch.py $E 30 > /dev/null
  c0=$(awk '{print $14+$15}' /proc/$PID/stat)
  python3 /work/bin/patch.py $E $R > /tmp/p.out
  c1=$(awk '{print $14+$15}' /proc/$PID/stat)
  echo "$b $(head -1 /tmp/p.out) cpu/patch $(python3 -c "print(round(($c1-$c0)*10/(2*$R),2))") ms"
  kill $PID; wait $PID 2>/dev/null
done
