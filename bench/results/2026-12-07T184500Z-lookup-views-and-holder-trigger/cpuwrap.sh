# cpuwrap.sh N -- CMD: server and postgres CPU per request (N requests) while CMD runs
n=$1; shift 2
pid=$(pgrep -f "serve --listen 127.0.0.1:18080")
cpu_ns() { for p in "$@"; do cat /proc/$p/task/*/schedstat 2>/dev/null; done | awk '{s+=$1} END {printf "%d", s}'; }
b1=$(cpu_ns $pid); p1=$(cpu_ns $(pgrep -x postgres))
"$@"
b2=$(cpu_ns $pid); p2=$(cpu_ns $(pgrep -x postgres))
echo "server $(( (b2-b1)/1000/n )) us/req postgres $(( (p2-p1)/1000/n )) us/req"
