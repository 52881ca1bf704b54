#!/usr/bin/env python3
"""Write load and verification for bench/crash.sh (standard library only).

  crash_writer.py group  BASE TOKEN NAME
      creates an empty group, prints its id.
  crash_writer.py write  BASE TOKEN GROUP_ID OUT_DIR --round R [--writers N] [--seconds S]
      N threads, each on its own keep-alive connection, loop: POST /Users
      with a unique userName, then PATCH the group to add that user. Every
      answer is written to OUT_DIR/writer-K.jsonl the moment it arrives
      (flushed): 2xx = "ack", another status = "rejected", no answer
      (connection refused/reset/closed, timeout) = "unack", after which the
      writer stops. OUT_DIR/started is written when the threads start.
  crash_writer.py verify BASE TOKEN GROUP_ID --current FILES... [--earlier FILES...]
      after the restart: every acknowledged user is read back by id (200,
      same userName) and every acknowledged member add is looked up in the
      group's members; unacknowledged writes are looked up too (present or
      not, both are fine). Prints one JSON object of counts; the details of
      anything lost go to stderr.
"""

import argparse
import http.client
import json
import pathlib
import sys
import threading
import time
import urllib.parse
import uuid

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Client:
    """One keep-alive connection to BASE (http://host:port/scim/v2)."""

    def __init__(self, base, token, timeout=30):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.prefix = url.path.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None):
        """(status, parsed body or None). Raises OSError /
        http.client.HTTPException when there is no answer."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Authorization": f"Bearer {self.token}", "Accept": SCIM}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = SCIM
        try:
            self.conn.request(method, self.prefix + path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except BaseException:
            self.conn.close()
            self.conn = None
            raise
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        parsed = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw[:200].decode(errors="replace")
        return resp.status, parsed


def cmd_group(args):
    status, body = Client(args.base, args.token).request(
        "POST", "/Groups", {"schemas": [GROUP_SCHEMA], "displayName": args.name})
    if status != 201:
        sys.exit(f"creating the group answered {status}: {body}")
    print(body["id"])


def writer(args, k, out, deadline, counts, lock):
    client = Client(args.base, args.token, timeout=args.timeout)
    tag = uuid.uuid4().hex[:8]
    with open(out / f"writer-{k}.jsonl", "w", buffering=1) as log:
        def record(**entry):
            entry["t"] = round(time.time(), 6)
            log.write(json.dumps(entry) + "\n")
            log.flush()
            with lock:
                key = f"{entry['kind']}_{entry['state']}"
                counts[key] = counts.get(key, 0) + 1

        n = 0
        while time.monotonic() < deadline:
            n += 1
            user_name = f"crash-r{args.round}-w{k}-{n}-{tag}@example.org"
            body = {"schemas": [USER_SCHEMA], "userName": user_name,
                    "name": {"givenName": "Crash", "familyName": f"W{k} N{n}"},
                    "emails": [{"value": user_name, "type": "work", "primary": True}]}
            try:
                status, answer = client.request("POST", "/Users", body)
            except (OSError, http.client.HTTPException) as e:
                record(kind="user", state="unack", userName=user_name, error=repr(e))
                return
            if not 200 <= status < 300:
                record(kind="user", state="rejected", userName=user_name, status=status,
                       body=answer)
                continue
            user_id = answer["id"]
            record(kind="user", state="ack", id=user_id, userName=user_name, status=status)

            patch = {"schemas": [PATCH_SCHEMA],
                     "Operations": [{"op": "add", "path": "members",
                                     "value": [{"value": user_id}]}]}
            try:
                status, answer = client.request("PATCH", f"/Groups/{args.group}", patch)
            except (OSError, http.client.HTTPException) as e:
                record(kind="member", state="unack", group=args.group, user=user_id,
                       error=repr(e))
                return
            if not 200 <= status < 300:
                record(kind="member", state="rejected", group=args.group, user=user_id,
                       status=status, body=answer)
                continue
            record(kind="member", state="ack", group=args.group, user=user_id, status=status)
        record(kind="writer", state="deadline")


def cmd_write(args):
    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts, lock = {}, threading.Lock()
    start = time.monotonic()
    deadline = start + args.seconds
    threads = [threading.Thread(target=writer, args=(args, k, out, deadline, counts, lock))
               for k in range(1, args.writers + 1)]
    for t in threads:
        t.start()
    (out / "started").write_text(f"{time.time()}\n")
    for t in threads:
        t.join()
    counts["seconds"] = round(time.monotonic() - start, 3)
    print(json.dumps(counts, sort_keys=True))


def read_records(files):
    records = []
    for f in files:
        for line in pathlib.Path(f).read_text().splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def group_members(client, group):
    status, body = client.request("GET", f"/Groups/{group}")
    if status != 200:
        sys.exit(f"GET /Groups/{group} answered {status}: {body}")
    return {m["value"] for m in body.get("members", [])}


def user_present(client, rec):
    """For an acknowledged user: (present, why not)."""
    status, body = client.request("GET", f"/Users/{rec['id']}")
    if status != 200:
        return False, f"GET /Users/{rec['id']} answered {status}: {body}"
    if body.get("userName") != rec["userName"]:
        return False, f"userName is {body.get('userName')!r}, acknowledged {rec['userName']!r}"
    return True, None


def user_exists_by_name(client, user_name):
    q = urllib.parse.quote(f'userName eq "{user_name}"')
    status, body = client.request("GET", f"/Users?filter={q}")
    if status != 200:
        sys.exit(f"filter on userName answered {status}: {body}")
    return body.get("totalResults", 0) > 0


def check(client, records, members, lost):
    c = {"acknowledged": 0, "acknowledged_users": 0, "acknowledged_member_adds": 0,
         "verified": 0, "lost": 0, "unacknowledged": 0, "unacknowledged_present": 0,
         "rejected": 0, "writers_past_deadline": 0}
    for rec in records:
        kind, state = rec["kind"], rec["state"]
        if kind == "writer":
            c["writers_past_deadline"] += 1
            continue
        if state == "rejected":
            c["rejected"] += 1
            continue
        if state == "ack":
            c["acknowledged"] += 1
            c["acknowledged_users" if kind == "user" else "acknowledged_member_adds"] += 1
            if kind == "user":
                ok, why = user_present(client, rec)
            else:
                ok = rec["user"] in members
                why = None if ok else f"user {rec['user']} is not a member of group {rec['group']}"
            if ok:
                c["verified"] += 1
            else:
                c["lost"] += 1
                lost.append({"record": rec, "why": why})
        elif state == "unack":
            c["unacknowledged"] += 1
            if kind == "user":
                present = user_exists_by_name(client, rec["userName"])
            else:
                present = rec["user"] in members
            c["unacknowledged_present"] += int(present)
    return c


def cmd_verify(args):
    client = Client(args.base, args.token)
    members = group_members(client, args.group)
    lost = []
    result = {"current": check(client, read_records(args.current), members, lost),
              "earlier": check(client, read_records(args.earlier or []), members, lost),
              "group_members": len(members)}
    for item in lost:
        print("LOST " + json.dumps(item), file=sys.stderr)
    print(json.dumps(result, sort_keys=True))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("group")
    g.add_argument("base"); g.add_argument("token"); g.add_argument("name")
    w = sub.add_parser("write")
    w.add_argument("base"); w.add_argument("token"); w.add_argument("group"); w.add_argument("out_dir")
    w.add_argument("--round", type=int, required=True)
    w.add_argument("--writers", type=int, default=8)
    w.add_argument("--seconds", type=float, default=10)
    w.add_argument("--timeout", type=float, default=30)
    v = sub.add_parser("verify")
    v.add_argument("base"); v.add_argument("token"); v.add_argument("group")
    v.add_argument("--current", nargs="+", required=True)
    v.add_argument("--earlier", nargs="*")
    args = p.parse_args()
    {"group": cmd_group, "write": cmd_write, "verify": cmd_verify}[args.cmd](args)


if __name__ == "__main__":
    main()
