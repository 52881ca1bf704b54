#!/usr/bin/env python3
"""Graceful shutdown under load (standard library only).

  shutdown.py BINARY [--rounds R] [--clients N] [--seconds S] [--extra ARGS...]

Each round: a fresh SQLite database and directory, the server started on
a free loopback port, N clients on keep-alive connections sending
`GET /scim/v2/Users?count=1` back to back; after S seconds SIGTERM; every
client goes on until its connection is refused (the server is gone). Each
request ends one way:

  ok       an answer (any status; 2xx counted apart)
  reset    sent, then the connection was reset or closed without an
           answer: a request the client cannot know the fate of (what a
           clean shutdown must not do); reset_fresh counts those sent as
           the first request of a new connection (accepted by the kernel,
           never read by the server), the rest were sent on a keep-alive
           connection the server closed
  refused  a new connection refused: the clean end (the client retries
           elsewhere)

Prints one line per round and the totals. Loopback only; stops what it
starts. Not part of CI.
"""

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time


def client(host, port, token, stop_at, counts, lock):
    conn = None
    mine = {"ok": 0, "ok_2xx": 0, "reset": 0, "reset_fresh": 0, "refused": 0, "closed_by_server": 0}
    fresh = True
    deadline = stop_at + 30
    while time.monotonic() < deadline:
        if conn is None:
            conn = http.client.HTTPConnection(host, port, timeout=10)
            fresh = True
            try:
                conn.connect()
            except ConnectionRefusedError:
                mine["refused"] += 1
                break
            except OSError:
                mine["refused"] += 1
                break
        try:
            conn.request("GET", "/scim/v2/Users?count=1", headers={"Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            resp.read()
        except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError,
                http.client.BadStatusLine, ConnectionAbortedError, TimeoutError):
            mine["reset"] += 1
            if fresh:
                mine["reset_fresh"] += 1
            conn.close()
            conn = None
            continue
        fresh = False
        mine["ok"] += 1
        if 200 <= resp.status < 300:
            mine["ok_2xx"] += 1
        if resp.getheader("Connection", "").lower() == "close" or resp.will_close:
            mine["closed_by_server"] += 1
            conn.close()
            conn = None
    with lock:
        for k, v in mine.items():
            counts[k] = counts.get(k, 0) + v


def one_round(args, n):
    work = tempfile.mkdtemp()
    url = f"sqlite://{work}/g.db"
    made = subprocess.run([args.binary, "directory", "create", "shutdown", "--database-url", url, "--json"],
                          check=True, capture_output=True, text=True)
    token = json.loads(made.stdout)["token"]
    log = open(f"{work}/serve.log", "w+")
    server = subprocess.Popen([args.binary, "serve", "--listen", "127.0.0.1:0", "--database-url", url, *args.extra],
                              stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "RUST_LOG": "warn,gatehouse=info"})
    addr = None
    for _ in range(200):
        log.seek(0)
        m = re.search(r"listening on http://([0-9.]+):(\d+)", log.read())
        if m:
            addr = (m.group(1), int(m.group(2)))
            break
        time.sleep(0.05)
    if addr is None:
        server.kill()
        sys.exit("the server did not start")
    counts, lock = {}, threading.Lock()
    stop_at = time.monotonic() + args.seconds
    threads = [threading.Thread(target=client, args=(*addr, token, stop_at, counts, lock)) for _ in range(args.clients)]
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    sent_term = time.monotonic()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    exited = time.monotonic() - sent_term
    for t in threads:
        t.join()
    counts["exit_s"] = round(exited, 2)
    print(f"round {n}: {json.dumps(counts, sort_keys=True)}", flush=True)
    return counts


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--extra", nargs=argparse.REMAINDER, default=[])
    args = p.parse_args()
    total = {}
    for n in range(1, args.rounds + 1):
        for k, v in one_round(args, n).items():
            if k != "exit_s":
                total[k] = total.get(k, 0) + v
    print(f"total over {args.rounds} rounds: {json.dumps(total, sort_keys=True)}")


if __name__ == "__main__":
    main()
