# rate.sh BIN ENV SECONDS FILTER — requests one client completes, and server CPU ms per request
B=$1; E=$2; S=$3; F=$4
URL=$(grep ^URL= $E | cut -d= -f2-)
$B serve --listen 127.0.0.1:18080 --database-url "$URL" > /dev/null 2>&1 & PID=$!
sleep 3; python3 /tmp/loop.py $E 3 "$F" > /dev/null
c0=$(awk '{print $14+$15}' /proc/$PID/stat); n=$(python3 /tmp/loop.py $E $S "$F" | cut -d' ' -f1); c1=$(awk '{print $14+$15}' /proc/$PID/stat)
kill $PID; wait $PID 2>/dev/null
echo "$(basename $B) $n req in ${S}s  cpu/req $(python3 -c "print(round(($c1-$c0)*10/$n,3))") ms"
