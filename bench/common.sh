# Shared by compare.sh and floors.sh (sourced, not run): builds the release
# binaries once and finds the address a server listens on.

# Builds the server and the load driver in release mode; sets GH and DRIVER.
# With BENCH_BIN set, uses the gatehouse and gatehouse-bench binaries in that
# folder instead (a build copied aside, to measure it while the tree changes).
build_release() {
    if [ -n "${BENCH_BIN:-}" ]; then
        GH="$BENCH_BIN/gatehouse"
        DRIVER="$BENCH_BIN/gatehouse-bench"
        return
    fi
    echo "== building (release, once)"
    cargo build --release -q -p gatehouse -p gatehouse-bench
    GH=./target/release/gatehouse
    DRIVER=./target/release/gatehouse-bench
}

# Prints the address from a server's log ("listening on http://…") once it
# appears; gives up after 20 s with the log on stderr.
wait_for() { # log file -> address
    local addr
    for _ in $(seq 1 200); do
        addr="$(grep -o 'listening on http://[0-9.:]*' "$1" | head -n 1 | sed 's|listening on http://||')" || true
        [ -n "$addr" ] && { echo "$addr"; return 0; }
        sleep 0.1
    done
    echo "server did not start: $(cat "$1")" >&2
    return 1
}

# Makes bench/results/<UTC timestamp>-NAME, sets $out to it, and starts its
# summary.txt with the time, commit, machine and the command line.
start_results() { # name, who shares the cores, command line
    out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$1"
    mkdir -p "$out"
    {
        echo "# $(date -u) — commit $(git rev-parse --short HEAD)"
        echo "# machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB; $2 share the cores"
        echo "# $3"
    } > "$out/summary.txt"
}
