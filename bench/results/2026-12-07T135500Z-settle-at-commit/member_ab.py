#!/usr/bin/env python3
"""member_ab.py TOKEN ROUNDS — floor 6's member PATCHes (floors_http.member_patches: add 50 and
remove 50 on the 200k group mapped to the capped product, one at a time) against 127.0.0.1:18080;
prints p50/p99 of each."""
import sys, json
sys.path.insert(0, "/work/main/bench")
import floors_http
r = floors_http.member_patches("http://127.0.0.1:18080", sys.argv[1], int(sys.argv[2]), 1_000_000)
print(f"add p50 {r['add_50']['p50_ms']} p99 {r['add_50']['p99_ms']} | remove p50 {r['remove_50']['p50_ms']} p99 {r['remove_50']['p99_ms']} | {r['statuses']}")
