#!/usr/bin/env python3
"""Fails when the crate's module graph has a cycle.

A module is a file under src/ (a mod.rs stands for its directory). Module
A depends on module B when A's code names a path into B: `use` items and
paths written inline (`crate::…`, `super::…`, `self::…`, or a child
module's bare name). Declaring a child (`mod x;`) and re-exporting its
items (`pub use x::Y`) are not dependencies; a parent calling into its
child is, and so is a child using its parent's items — so helpers shared
by a module's children live in a leaf module of their own, not in the
parent that also routes to the children. Test modules are left out. Every
strongly connected group of more than one module is printed, with the
references that close it, and the script exits 1.

Usage: .ci/module-cycles.py [src-dir]
"""

import os
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "src"
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def modules():
    found = {}
    for root, _, files in os.walk(SRC):
        for f in files:
            if f.endswith(".rs"):
                path = os.path.join(root, f)
                found[module_of(path)] = path
    return found


def strip(text):
    """Code without comments, strings and test modules."""
    cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)
    if cut:
        text = text[: cut.start()]
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text


def expand(tree):
    """`a::{b, c::{d, e}}` → [a::b, a::c::d, a::c::e]."""
    tree = re.sub(r"\s+", "", tree)
    depth, brace = 0, None
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                brace = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                prefix, inner = tree[:brace], tree[brace + 1 : i]
                parts, level, start = [], 0, 0
                for j, c in enumerate(inner):
                    if c == "{":
                        level += 1
                    elif c == "}":
                        level -= 1
                    elif c == "," and level == 0:
                        parts.append(inner[start:j])
                        start = j + 1
                parts.append(inner[start:])
                out = []
                for p in parts:
                    if p:
                        out.extend(expand(prefix + p))
                return out
    return [tree]


def references(text, here, known):
    """Paths the code names. A path may also start at a child module by
    its bare name (`guests::list` in `admin`), in `use` or inline."""
    children = {m[-1] for m in known if m[:-1] == here and len(m) == len(here) + 1}
    refs = []

    def add(path):
        first = path.split("::")[0]
        if first in ("crate", "super", "self"):
            refs.append(path)
        elif first in children:
            refs.append("self::" + path)

    # A re-export (`pub use child::X`) is a facade, not a dependency.
    text = re.sub(r"\bpub(?:\([^)]*\))?\s+use\s+[^;]+;", "", text)
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        for path in expand(m.group(1)):
            add(path.split(" as ")[0])
    body = re.sub(r"\buse\s+[^;]+;", "", text)
    for m in re.finditer(rf"(?<![:\w])(?:{IDENT})(?:::{IDENT})+", body):
        add(m.group(0))
    return refs


def resolve(path, here, known):
    """The module a path names (the longest known module prefix)."""
    parts = path.split("::")
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] in ("super", "self"):
        base = here
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                base = base[:-1]
            parts = parts[1:]
        rest = parts
    else:
        return None
    target = base
    for p in rest:
        if target + (p,) in known:
            target = target + (p,)
        else:
            break
    return target


def cycles(graph):
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    known = modules()
    graph, why = {}, {}
    for module, path in known.items():
        with open(path, encoding="utf-8") as f:
            text = strip(f.read())
        for ref in references(text, module, known):
            target = resolve(ref, module, known)
            if target is None or target == module or target == ():
                continue
            graph.setdefault(module, set()).add(target)
            why.setdefault((module, target), ref)
    found = cycles(graph)
    name = lambda m: "::".join(m) or "crate"
    for group in found:
        members = set(group)
        print("cycle: " + ", ".join(name(m) for m in group))
        for a in group:
            for b in sorted(graph.get(a, ())):
                if b in members:
                    print(f"  {name(a)} -> {name(b)}  ({why[(a, b)]})")
    if found:
        sys.exit(1)
    print(f"no module cycles among {len(known)} modules")


if __name__ == "__main__":
    main()
