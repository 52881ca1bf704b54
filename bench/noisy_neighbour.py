#!/usr/bin/env python3
"""Load for bench/noisy.sh (standard library only): one directory (A)
floods the server with costly reads while another (B) provisions users.

  noisy_neighbour.py seed BASE TOKEN --users N [--clients C] [--max-seconds S]
      POSTs N users to A (C keep-alive connections): userName
      a{i:05}@a.example, two emails (work a{i:05}@a.example, home
      a{i:05}@home.example), 9 titles in 10 containing an "x", familyName
      Family{i % 997} (none contains "zz"). Prints one JSON object.
  noisy_neighbour.py provision BASE TOKEN --users N --tag T [--clients C]
                               [--max-seconds S] [--latencies FILE]
      B's phase: POSTs N users (C keep-alive connections), each request
      timed from send to the last byte of the answer. Prints one JSON
      object: p50/p95/p99/max, errors by status; FILE gets every latency.
  noisy_neighbour.py flood BASE TOKEN --stop-file F [--clients C]
                           [--max-seconds S] [--started-file F2] [--requests FILE]
      A's flood: C keep-alive connections loop over costly filters that
      scan (below) until F exists or S seconds pass; requests in flight at
      the stop are cut (their sockets shut down) and counted apart. Prints
      one JSON object: requests by status and by filter, latencies;
      FILE gets one line per request (start, end, filter, status).

Latencies are wall-clock from the client, which shares the machine's
cores with the server (and, for the flood, with the database).
"""

import argparse
import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
TITLES = ["Executive", "Tax Analyst", "Linux Engineer", "UX Designer", "Express Courier",
          "Exhibit Curator", "Index Clerk", "Lexicographer", "Box Office Clerk", "Engineer"]

# The flood's mix: filters no index answers, each a full scan of A's users,
# paged deep so every matching row before the page is produced too.
FLOOD = [
    ("title_or_family",
     'title co "x" or name.familyName co "zz"', 100, 15000),
    ("work_email_co",
     'emails[type eq "work" and value co "9"]', 100, 5000),
]


class Client:
    """One keep-alive connection to BASE (http://host:port/scim/v2)."""

    def __init__(self, base, token, timeout=60.0):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.prefix = url.path.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Accept": SCIM}
        self.timeout = timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def cut(self):
        """From another thread: ends the request in flight, if any."""
        conn = self.conn
        sock = getattr(conn, "sock", None) if conn is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def request(self, method, path, body=None, timeout=None):
        """(status, raw body). Raises OSError / http.client.HTTPException
        when there is no answer."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = SCIM
        try:
            if self.conn.sock is None:
                self.conn.connect()
            self.conn.sock.settimeout(timeout if timeout is not None else self.timeout)
            self.conn.request(method, self.prefix + path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except BaseException:
            self.close()
            raise
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, raw


def percentile(sorted_values, p):
    """Nearest rank (p in 0..100) of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[min(len(sorted_values), int(rank)) - 1]


def latency_stats(latencies_ms):
    values = sorted(latencies_ms)
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p95_ms": round(percentile(values, 95), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "max_ms": round(values[-1], 3),
        "mean_ms": round(sum(values) / len(values), 3),
    }


def user_body(prefix, i, domain):
    name = f"{prefix}{i:05}"
    return {
        "schemas": [USER_SCHEMA],
        "userName": f"{name}@{domain}",
        "name": {"givenName": f"Given{i}", "familyName": f"Family{i % 997}"},
        "title": TITLES[i % len(TITLES)],
        "emails": [
            {"value": f"{name}@{domain}", "type": "work", "primary": True},
            {"value": f"{name}@home.example", "type": "home"},
        ],
    }


def post_users(args, prefix, domain, record_latencies):
    """Shared by seed and provision: args.clients threads POST users
    0..args.users-1 (taken from one counter) until done or the deadline.
    Returns the result object (and the latencies, if asked)."""
    start = time.monotonic()
    deadline = start + args.max_seconds
    lock = threading.Lock()
    state = {"next": 0}
    statuses, errors_detail, latencies = {}, [], []

    def worker():
        client = Client(args.base, args.token, timeout=args.timeout)
        while True:
            with lock:
                i = state["next"]
                if i >= args.users:
                    break
                state["next"] += 1
            left = deadline - time.monotonic()
            if left <= 0:
                with lock:
                    statuses["not_sent_cap"] = statuses.get("not_sent_cap", 0) + 1
                continue
            body = user_body(prefix, i, domain)
            t0 = time.perf_counter()
            try:
                status, raw = client.request("POST", "/Users", body,
                                             timeout=min(args.timeout, max(0.1, left)))
                key = str(status)
            except (OSError, http.client.HTTPException) as e:
                raw, key = None, ("timeout" if isinstance(e, socket.timeout)
                                  else "transport_error")
                if key == "transport_error" and len(errors_detail) < 20:
                    errors_detail.append(repr(e))
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                statuses[key] = statuses.get(key, 0) + 1
                if record_latencies:
                    latencies.append(ms)
                if key != "201" and raw is not None and len(errors_detail) < 20:
                    errors_detail.append(f"{key}: {raw[:300].decode(errors='replace')}")

    threads = [threading.Thread(target=worker) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    sent = sum(v for k, v in statuses.items() if k != "not_sent_cap")
    created = statuses.get("201", 0)
    result = {
        "users": args.users, "clients": args.clients, "sent": sent, "created": created,
        "errors": sent - created, "not_sent_cap": statuses.get("not_sent_cap", 0),
        "statuses": dict(sorted(statuses.items())), "seconds": round(seconds, 3),
        "req_per_s": round(sent / seconds, 1) if seconds else None,
        "error_samples": errors_detail,
    }
    return result, latencies


def cmd_seed(args):
    result, _ = post_users(args, "a", "a.example", record_latencies=False)
    print(json.dumps(result, sort_keys=True))
    return 0 if result["created"] == args.users else 1


def cmd_provision(args):
    wall_start = time.time()
    result, latencies = post_users(args, f"b-{args.tag}-", "b.example", record_latencies=True)
    result.update(latency_stats(latencies))
    result["tag"] = args.tag
    result["wall_start"] = round(wall_start, 3)
    result["wall_end"] = round(time.time(), 3)
    if args.latencies:
        with open(args.latencies, "w") as f:
            f.write("\n".join(f"{ms:.3f}" for ms in latencies) + "\n")
    print(json.dumps(result, sort_keys=True))
    return 0


def cmd_flood(args):
    stop = threading.Event()
    start = time.monotonic()
    deadline = start + args.max_seconds
    lock = threading.Lock()
    records = []  # (wall start, wall end, filter, status)
    first_pages = {}
    samples = []
    clients = [Client(args.base, args.token, timeout=args.timeout) for _ in range(args.clients)]
    paths = [(name, "/Users?filter=" + urllib.parse.quote(f, safe="")
              + f"&count={count}&startIndex={start_index}")
             for name, f, count, start_index in FLOOD]

    def worker(k):
        client = clients[k]
        n = k  # clients start on different filters
        while not stop.is_set():
            name, path = paths[n % len(paths)]
            n += 1
            t0 = time.time()
            try:
                status, raw = client.request("GET", path)
                key = str(status)
            except (OSError, http.client.HTTPException) as e:
                raw = None
                if stop.is_set():
                    key = "cut_at_stop"
                elif isinstance(e, socket.timeout):
                    key = "timeout"
                else:
                    key = "transport_error"
                    with lock:
                        if len(samples) < 20:
                            samples.append(repr(e))
            t1 = time.time()
            with lock:
                records.append((t0, t1, name, key))
                if key == "200" and name not in first_pages:
                    try:
                        page = json.loads(raw)
                        first_pages[name] = {"totalResults": page.get("totalResults"),
                                             "itemsPerPage": page.get("itemsPerPage"),
                                             "startIndex": page.get("startIndex")}
                    except ValueError:
                        first_pages[name] = {"unparsed": raw[:200].decode(errors="replace")}
                elif key not in ("200", "cut_at_stop") and raw is not None and len(samples) < 20:
                    samples.append(f"{key}: {raw[:300].decode(errors='replace')}")
            if key in ("429", "503"):
                # Back off as a client would: a moment, not the Retry-After.
                stop.wait(0.05)

    threads = [threading.Thread(target=worker, args=(k,), daemon=True)
               for k in range(args.clients)]
    for t in threads:
        t.start()
    if args.started_file:
        with open(args.started_file, "w") as f:
            f.write(f"{time.time()}\n")
    while not stop.is_set():
        if os.path.exists(args.stop_file) or time.monotonic() >= deadline:
            stop.set()
            break
        time.sleep(0.05)
    stopped_by = "stop_file" if os.path.exists(args.stop_file) else "max_seconds"
    for c in clients:
        c.cut()
    for t in threads:
        t.join(timeout=10)
    seconds = time.monotonic() - start
    with lock:
        done = list(records)

    statuses, by_filter, ok_ms = {}, {}, []
    for t0, t1, name, key in done:
        statuses[key] = statuses.get(key, 0) + 1
        f = by_filter.setdefault(name, {})
        f[key] = f.get(key, 0) + 1
        if key == "200":
            ok_ms.append((t1 - t0) * 1000)
    answered = sum(v for k, v in statuses.items() if k.isdigit())
    result = {
        "clients": args.clients, "seconds": round(seconds, 3), "stopped_by": stopped_by,
        "requests": len(done), "answered": answered,
        "answered_per_s": round(answered / seconds, 1) if seconds else None,
        "ok_per_s": round(statuses.get("200", 0) / seconds, 1) if seconds else None,
        "statuses": dict(sorted(statuses.items())), "by_filter": by_filter,
        "filters": {name: {"filter": f, "count": count, "startIndex": si}
                    for name, f, count, si in FLOOD},
        "first_pages": first_pages, "ok_latency": latency_stats(ok_ms),
        "samples": samples, "threads_still_running": sum(t.is_alive() for t in threads),
    }
    if args.requests:
        with open(args.requests, "w") as f:
            for t0, t1, name, key in done:
                f.write(json.dumps({"start": round(t0, 4), "end": round(t1, 4),
                                    "filter": name, "status": key}) + "\n")
    print(json.dumps(result, sort_keys=True))
    return 0


def cmd_window(args):
    """A's requests that ended within B's phase (from the flood's request
    file and B's result): counts by status, answered per second."""
    b = json.load(open(args.provision))
    lo, hi = b["wall_start"], b["wall_end"]
    statuses, ok_ms = {}, []
    with open(args.requests) as f:
        for line in f:
            r = json.loads(line)
            if lo <= r["end"] <= hi:
                statuses[r["status"]] = statuses.get(r["status"], 0) + 1
                if r["status"] == "200":
                    ok_ms.append((r["end"] - r["start"]) * 1000)
    seconds = hi - lo
    answered = sum(v for k, v in statuses.items() if k.isdigit())
    print(json.dumps({"seconds": round(seconds, 3), "answered": answered,
                      "answered_per_s": round(answered / seconds, 1) if seconds else None,
                      "statuses": dict(sorted(statuses.items())),
                      "ok_latency": latency_stats(ok_ms)}, sort_keys=True))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("seed", "provision", "flood"):
        s = sub.add_parser(name)
        s.add_argument("base")
        s.add_argument("token")
        s.add_argument("--max-seconds", type=float, default=300)
        s.add_argument("--timeout", type=float, default=60, help="seconds per request at most")
        if name in ("seed", "provision"):
            s.add_argument("--users", type=int, required=True)
            s.add_argument("--clients", type=int, default=8 if name == "seed" else 4)
        if name == "provision":
            s.add_argument("--tag", required=True)
            s.add_argument("--latencies")
        if name == "flood":
            s.add_argument("--clients", type=int, default=32)
            s.add_argument("--stop-file", required=True)
            s.add_argument("--started-file")
            s.add_argument("--requests")
    w = sub.add_parser("window")
    w.add_argument("requests")
    w.add_argument("provision")
    args = p.parse_args()
    return {"seed": cmd_seed, "provision": cmd_provision, "flood": cmd_flood,
            "window": cmd_window}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
