#!/usr/bin/env python3
"""patch_ab.py BASE TOKEN ROUNDS — floor 6's member PATCHes (floors_http.member_patches)."""
import sys
sys.path.insert(0, "/work/main/bench")
import floors_http
r = floors_http.member_patches(sys.argv[1], sys.argv[2], int(sys.argv[3]), 1_000_000)
print("add_50", r["add_50"], "remove_50", r["remove_50"], r["statuses"])
