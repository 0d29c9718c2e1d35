"""Independent import walk for the deadweight integration tests (shares no code with cpslim).

usage: deadweight_walk.py BEFORE AFTER MPY_TABLE BUILTIN FROZEN [FROZEN_IMPORTS TAG]

BEFORE / AFTER: the drive before and after `cpslim optimize --prune`.
MPY_TABLE: JSON {sha256 of an .mpy file: [[module, level, [names]], ...]} taken from CPython's
ast on the .mpy's source (so no .mpy decoding here). BUILTIN / FROZEN: comma-separated names the
board's firmware answers first. FROZEN_IMPORTS / TAG: the frozen-imports JSON cpslim ships and
the CircuitPython tag; a frozen module's imports are taken from it (never from a lib/ copy, which
never runs), and a frozen module it does not list makes the walk keep every lib/ entry.

Resolves imports the way CircuitPython does (non-extensible built-in, drive root, frozen, /lib;
case-insensitive on the drive), keeps whole top-level packages, and checks that
  1. every file of every reachable module is in AFTER, byte-identical;
  2. every file missing from AFTER belongs to a module that can never be imported.
Prints a summary line; exits 1 with the reasons on failure.
"""
import ast
import hashlib
import json
import os
import sys

before, after, table_path, builtin, frozen = sys.argv[1:6]
table = json.load(open(table_path))
builtin = set(filter(None, builtin.split(",")))
frozen = set(filter(None, frozen.split(",")))
frozen_data = {}
if len(sys.argv) > 7:
    frozen_data = json.load(open(sys.argv[6]))["circuitpython"][sys.argv[7]]
ENTRY = ["code.txt", "code.py", "main.py", "main.txt", "boot.py", "boot.txt", "safemode.py", "safemode.txt"]


def files_under(root):
    out = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(dirpath, n), root))
    return sorted(out)


def entries(folder):
    """lower-case top-level name -> list of (kind, relpath) in `folder` of BEFORE."""
    found = {}
    path = os.path.join(before, folder)
    if not os.path.isdir(path):
        return found
    for n in os.listdir(path):
        p = os.path.join(path, n)
        rel = os.path.join(folder, n) if folder else n
        if os.path.isdir(p):
            if folder == "" and n.lower() == "lib":
                continue
            found.setdefault(n.lower(), []).append(("dir", rel))
        elif n.lower().endswith(".py") or n.lower().endswith(".mpy"):
            stem = n.rsplit(".", 1)[0]
            found.setdefault(stem.lower(), []).append((n.rsplit(".", 1)[1].lower(), rel))
    return found


ROOT = entries("")
LIB = entries("lib")


def live_files(items):
    """CircuitPython <= 10.2: a folder wins, then .py, then .mpy."""
    kinds = {k: r for k, r in items}
    if "dir" in kinds:
        d = kinds["dir"]
        return [os.path.join(d, f) for f in files_under(os.path.join(before, d)) if f.endswith((".py", ".mpy"))]
    if "py" in kinds:
        return [kinds["py"]]
    return [kinds["mpy"]]


def imports_of(rel):
    data = open(os.path.join(before, rel), "rb").read()
    if rel.endswith(".mpy"):
        return table[hashlib.sha256(data).hexdigest()]
    tree = ast.parse(data.decode("utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [[a.name, 0, []] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append([node.module, node.level, [a.name for a in node.names]])
    return out


def package_of(rel):
    parts = rel.replace(os.sep, "/").split("/")
    if parts[0].lower() == "lib":
        parts = parts[1:]
    return parts[:-1]


reachable = set()  # ("root"|"lib", lower name)
frozen_seen = set()
keep_all = False
work = [e for e in os.listdir(before) if e.lower() in ENTRY]
seen = set(work)


def reach(top):
    """Resolve one top-level import name; queue the files (or frozen data) it runs."""
    global keep_all
    low = top.lower()
    if top in builtin:
        return
    if low in ROOT:
        key, items = ("root", low), ROOT[low]
    elif top in frozen:
        if top in frozen_seen:
            return
        frozen_seen.add(top)
        if top not in frozen_data:
            keep_all = True
            return
        for name in frozen_data[top]["imports"]:
            reach(name.split(".")[0])
        return
    elif low in LIB:
        key, items = ("lib", low), LIB[low]
    else:
        return
    if key in reachable:
        return
    reachable.add(key)
    for f in live_files(items):
        if f not in seen:
            seen.add(f)
            work.append(f)


while work:
    rel = work.pop()
    for module, level, names in imports_of(rel):
        if level:
            pkg = package_of(rel)
            if level - 1 >= len(pkg):
                continue
            top = pkg[0]
        else:
            top = module.split(".")[0]
        reach(top)

if keep_all:
    for low, items in LIB.items():
        name = items[0][1].replace(os.sep, "/").split("/")[1].rsplit(".", 1)[0]
        if name not in builtin and name not in frozen and low not in ROOT:
            reachable.add(("lib", low))

errors = []
kept = set()
for place, low in reachable:
    for f in live_files((ROOT if place == "root" else LIB)[low]):
        kept.add(f)
for f in sorted(kept):
    a = os.path.join(after, f)
    if not os.path.isfile(a):
        errors.append(f"reachable file deleted: {f}")
    elif open(a, "rb").read() != open(os.path.join(before, f), "rb").read():
        errors.append(f"reachable file changed: {f}")
deleted = [f for f in files_under(before) if not os.path.exists(os.path.join(after, f))]
for f in deleted:
    parts = f.replace(os.sep, "/").split("/")
    if parts[0].lower() != "lib" or len(parts) < 2:
        errors.append(f"deleted outside lib/: {f}")
        continue
    low = parts[1].rsplit(".", 1)[0].lower() if len(parts) == 2 else parts[1].lower()
    name = parts[1].rsplit(".", 1)[0] if len(parts) == 2 else parts[1]
    if ("lib", low) in reachable and f in kept:
        errors.append(f"deleted but reachable: {f}")
    if not (("lib", low) not in reachable or name in builtin or name in frozen or low in ROOT or f not in kept):
        errors.append(f"deleted without a reason: {f}")
if errors:
    print("\n".join(errors))
    sys.exit(1)
print(f"OK reachable={len(reachable)} kept_files={len(kept)} deleted_files={len(deleted)} "
      f"reachable_names={','.join(sorted(n for _, n in reachable))}")
