#!/usr/bin/env python3
"""idpsum.py REPORT.json: each idp-reads operation's p50/p99 ms on one line."""
import json
import sys

operations = json.load(open(sys.argv[1]))["scenarios"][0]["operations"]
print(" ".join(
    f"{name.removeprefix('eq_')}={o['p50_ms']:.2f}/{o['p99_ms']:.2f}"
    for name, o in sorted(operations.items())
))
