#!/usr/bin/env python3
"""Reads a bench/floors.sh results folder and prints each floor's figures
and verdict per database.

    floors_verdict.py RESULTS_DIR sqlite,postgres STAT_BEFORE STAT_AFTER
"""

import json
import pathlib
import sys

out = pathlib.Path(sys.argv[1])
databases = sys.argv[2].split(",")


def ticks(line):
    return [int(x) for x in line.split()[1:]]


delta = [a - b for a, b in zip(ticks(sys.argv[4]), ticks(sys.argv[3]))]
steal = delta[7] / sum(delta) * 100 if sum(delta) else 0.0


def scenario(db, name):
    """The run's scenario report, skipping the ceiling every run starts with."""
    path = out / f"{db}-{name}.json"
    if not path.exists():
        return None
    runs = json.loads(path.read_text())["scenarios"]
    return next(s for s in runs if s["scenario"] != "ceiling")


rows = []


def floor(db, number, text, measured, holds):
    """`holds` None: not run; "reported": a figure the floor asks for
    without a line to meet."""
    if holds is None or holds == "reported":
        verdict = "not run" if holds is None else "reported"
    else:
        verdict = "met" if holds else "NOT MET"
    rows.append((db, number, verdict, text, measured))


for db in databases:
    rss = {}
    rss_path = out / f"{db}-rss.txt"
    if rss_path.exists():
        rss = {k: int(v) / 1024 for k, v in (l.split() for l in rss_path.read_text().splitlines())}

    # Floor 3: auditor filters.
    auditor = scenario(db, "auditor")
    if auditor:
        ops = auditor["operations"]
        firsts = {k.removeprefix("first_page_"): v for k, v in ops.items() if k.startswith("first_page_")}
        for name, op in sorted(firsts.items()):
            walk = auditor["walks"].get(name, {})
            floor(db, 3, f"auditor {name}: first page p99 < 50 ms, walk < 60 s",
                  f"p99 {op['p99_ms']:.1f} ms (p50 {op['p50_ms']:.1f}); walk {walk.get('seconds')} s "
                  f"over {walk.get('users')} of {walk.get('total')}"
                  + (" (cut at 90 s)" if walk.get("cut") else "") + f"; {op['errors']} errors",
                  op["p99_ms"] < 50 and walk.get("seconds", 1e9) < 60 and not walk.get("cut")
                  and op["errors"] == 0)

    http = out / f"{db}-http.json"
    http = json.loads(http.read_text()) if http.exists() else None
    if http:
        # Floor 4: reports and license counts.
        for name in ("access", "non_synced_access", "leavers", "licenses_report"):
            r = http["reports"][name]
            floor(db, 4, f"report {name}: first page < 200 ms",
                  f"p99 {r['p99_ms']:.1f} ms (p50 {r['p50_ms']:.1f}), status {r['statuses']}",
                  r["p99_ms"] < 200 and r["statuses"] == [200])
        r = http["reports"]["license_counts"]
        floor(db, 4, "license counts < 10 ms",
              f"p99 {r['p99_ms']:.1f} ms (p50 {r['p50_ms']:.1f}), status {r['statuses']}",
              r["p99_ms"] < 10 and r["statuses"] == [200])

    # Floor 5: IdP reads.
    reads = scenario(db, "idp-reads")
    if reads:
        ops = reads["operations"]
        probe = ops["probe_count_1"]
        floor(db, 5, "GET /Users?count=1 p99 < 10 ms",
              f"p99 {probe['p99_ms']:.2f} ms (p50 {probe['p50_ms']:.2f}, max {probe['max_ms']:.2f}, "
              f"n {probe['requests']})", probe["p99_ms"] < 10)
        page = ops["import_page"]
        floor(db, 5, "startIndex pages p99 < 50 ms, import < 10 min",
              f"p99 {page['p99_ms']:.2f} ms (p50 {page['p50_ms']:.2f}); {reads['import_users']} users "
              f"in {reads['import_seconds']} s; {page['errors']} errors",
              page["p99_ms"] < 50 and reads["import_seconds"] < 600 and page["errors"] == 0)
        for name, op in sorted((k, v) for k, v in ops.items() if k.startswith("eq_")):
            floor(db, 5, f"{name} p99 < 10 ms",
                  f"p99 {op['p99_ms']:.2f} ms (p50 {op['p50_ms']:.2f}, max {op['max_ms']:.2f}, "
                  f"n {op['requests']}); {op['errors']} errors",
                  op["p99_ms"] < 10 and op["errors"] == 0)

    if http:
        # Floor 6: the big group.
        p = http["big_group_patch"]
        worst = max(p["add_50"]["p99_ms"], p["remove_50"]["p99_ms"])
        floor(db, 6, "200k group: add/remove 50 p99 < 10 ms (capped product)",
              f"add p99 {p['add_50']['p99_ms']:.1f}, remove p99 {p['remove_50']['p99_ms']:.1f} ms; "
              + (f"first add/remove {p['first_rounds']['add_ms'][0]:.1f}/"
                 f"{p['first_rounds']['remove_ms'][0]:.1f} ms; "
                 if p.get("first_rounds", {}).get("add_ms") else "")
              + f"status {p['statuses']}", worst < 10 and set(p["statuses"]) <= {200, 204})
        g = http["big_group_reads"]
        floor(db, 6, "8 clients reading the 200k group: RSS growth < 20 MB",
              f"+{g['rss_growth_mb']} MB (to {g['rss_peak_mb']} MB); reads "
              + ", ".join(f"{r['ms']:.0f} ms" for r in g["reads"][:3]) + " …",
              g["rss_growth_mb"] < 20 and all(r["status"] == 200 for r in g["reads"]))

    # Floor 7: resync.
    resync = scenario(db, "resync")
    floor(db, 7, "resync of every user < 120 s",
          f"{resync['seconds']:.1f} s, {resync['errors']} errors" if resync else "--with-resync not given",
          (resync["seconds"] < 120 and resync["errors"] == 0) if resync else None)

    # Floor 8: lookups and RSS.
    lookups = [scenario(db, f"lookup-run{n}") for n in (1, 2, 3)]
    lookups = [r for r in lookups if r]
    if lookups:
        floor(db, 8, "userName eq p99 < 2 ms, c=8 (every run)",
              "p99 " + ", ".join(f"{r['p99_ms']:.2f}" for r in lookups) + " ms; "
              + ", ".join(f"{r['req_per_s']:.0f}" for r in lookups) + " req/s",
              all(r["p99_ms"] < 2 and r["errors"] == 0 for r in lookups))
    if db == "sqlite" and rss:
        # Between steps, and inside floors_http.py where it samples: after
        # the reports and PATCHes (cold), and at the big-group reads' peak.
        seen = dict(rss)
        if http and "big_group_reads" in http:
            g = http["big_group_reads"]
            seen["in_http_after_reports"] = g.get("rss_cold_mb", 0)
            seen["in_http_reads_peak"] = g["rss_peak_mb"]
        floor(db, 8, "SQLite server RSS < 150 MB throughout",
              ", ".join(f"{k} {v:.0f}" for k, v in seen.items()) + " MB", max(seen.values()) < 150)


def compare_run(label):
    """bench/compare.sh's report for `label` (its scenario, not the
    ceiling it starts with) and the ceiling it was read against."""
    path = out / "compare" / f"{label}.json"
    if not path.exists():
        return None, None
    run = json.loads(path.read_text())
    s = next(s for s in run["scenarios"] if s["scenario"] != "ceiling")
    return s, run.get("ceiling_req_per_s")


# Floors 1 and 2, from bench/compare.sh's run (--with-provision).
peer, _ = compare_run("scim2-server")
for db in databases:
    label = f"gatehouse-{db}"
    provision, provision_ceiling = compare_run(label)
    if provision and peer and peer["req_per_s"]:
        ratio = provision["req_per_s"] / peer["req_per_s"]
        floor(db, 1, "provision: >= 10x the peer, p99 < 20 ms",
              f"x{ratio:.1f} ({provision['req_per_s']:.0f} against {peer['req_per_s']:.0f} req/s), "
              f"p99 {provision['p99_ms']:.2f} ms; {provision['errors']} errors",
              ratio >= 10 and provision["p99_ms"] < 20 and provision["errors"] == 0)
    for scenario, share in (("lookup", 0.50), ("create", 0.15)):
        alone, ceiling = compare_run(f"{label}-{scenario}")
        if alone and ceiling:
            of = alone["req_per_s"] / ceiling
            floor(db, 2, f"{scenario}s alone >= {share:.0%} of the ceiling",
                  f"{of:.1%} ({alone['req_per_s']:.0f} of {ceiling:.0f} req/s), "
                  f"p99 {alone['p99_ms']:.2f} ms; {alone['errors']} errors",
                  of >= share and alone["errors"] == 0)
    if provision and provision_ceiling:
        floor(db, 2, "provision as a share of the ceiling",
              f"{provision['req_per_s'] / provision_ceiling:.1%} of {provision_ceiling:.0f} req/s",
              "reported")
rows.sort(key=lambda r: (databases.index(r[0]), r[1]))

print(f"steal during the runs: {steal:.1f}% of CPU time")
for db, number, verdict, text, measured in rows:
    print(f"{db:8} {number}  {verdict:8} {text:62} {measured}")
compare = out / "compare.txt"
if compare.exists():
    print("floors 1 and 2 (bench/compare.sh):")
    print(compare.read_text())
