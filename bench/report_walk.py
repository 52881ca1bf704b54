#!/usr/bin/env python3
"""Walks an admin report page by page, following next_cursor, one request
at a time; prints JSON: pages, lines, the walk's seconds and each page's
time (p50, p99, max).

    report_walk.py BASE ADMIN_TOKEN [PATH] [--limit N]

BASE is the server's root (http://127.0.0.1:8080); PATH is the report
(/admin/v1/reports/access by default, any query allowed); pages of N
lines (1,000 by default).
"""

import json
import sys
import time
import urllib.parse

from floors_http import connect, figures


def walk(base, admin, path, limit):
    conn = connect(base)
    joiner = "&" if "?" in path else "?"
    first = f"{path}{joiner}limit={limit}"
    cursor, samples, lines, started = None, [], 0, time.perf_counter()
    while True:
        page = first if cursor is None else f"{first}&cursor={urllib.parse.quote(cursor)}"
        t = time.perf_counter()
        conn.request("GET", page, headers={"Authorization": f"Bearer {admin}"})
        response = conn.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - t) * 1000)
        if response.status != 200:
            raise SystemExit(f"{page}: {response.status} {body[:300]!r}")
        data = json.loads(body)
        lines += len(data["items"])
        cursor = data.get("next_cursor")
        if not cursor:
            break
    return {"path": path, "limit": limit, "pages": len(samples), "lines": lines,
            "walk_s": round(time.perf_counter() - started, 2), "page": figures(samples)}


def main():
    args = sys.argv[1:]
    limit = 1000
    if "--limit" in args:
        at = args.index("--limit")
        limit = int(args[at + 1])
        del args[at:at + 2]
    base, admin = args[0], args[1]
    path = args[2] if len(args) > 2 else "/admin/v1/reports/access"
    print(json.dumps(walk(base, admin, path, limit), indent=2))


if __name__ == "__main__":
    main()
