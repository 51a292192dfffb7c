#!/bin/sh
# concurrency.sh VNUMA PLAN_DIR - parallel `vnuma plan --ledger` runs must
# serialise on the ledger: 10 guests of 2 cells (12 GiB, 2 dedicated vCPUs
# each) race for the 8-node host (32 GiB, 4 CPUs a node: room for exactly
# 16 such cells).  Expected: exactly 8 succeed, 2 fail cleanly (exit 1,
# "error: ..." per cell), the ledger parses and lists the 8, no node holds
# more than 32 GiB, no host CPU is given twice, and each success's plan is
# what the ledger recorded for it.
set -u
vnuma=$1; dir=$2
cd "$dir" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL concurrency: $*"; exit 1; }
i=0
while [ $i -lt 10 ]; do
    sed "s|<name>two-cells</name>|<name>race$i</name>|; s|memory='4' unit='GiB'|memory='12' unit='GiB'|g; s|<memory unit='GiB'>8</memory>|<memory unit='GiB'>24</memory>|; s|<vcpu placement='static'>2</vcpu>|<vcpu placement='static'>4</vcpu>|; s|cpus='0'|cpus='0-1'|; s|cpus='1'|cpus='2-3'|" \
        cases/c01-two-cells-8node.xml >"$tmp/race$i.xml"
    i=$((i + 1))
done
grep -q "cpus='2-3'" "$tmp/race0.xml" || fail "test domain not made"
i=0
while [ $i -lt 10 ]; do
    ( "$vnuma" plan --host ../golden/hosts/8node.xml --ledger "$tmp/ledger" --dedicated \
        --format json "$tmp/race$i.xml" >"$tmp/out$i" 2>"$tmp/err$i"; echo $? >"$tmp/rc$i" ) &
    i=$((i + 1))
done
wait
python3 - "$tmp" <<'PY' || exit 1
import json, sys, os
tmp = sys.argv[1]
ok, bad = [], []
for i in range(10):
    rc = int(open(f"{tmp}/rc{i}").read())
    if rc == 0:
        ok.append(i)
    elif rc == 1 and json.load(open(f"{tmp}/err{i}"))["error"]["message"].startswith("cell "):
        bad.append(i)
    else:
        sys.exit(f"FAIL concurrency: race{i} exit {rc}: {open(f'{tmp}/err{i}').read()}")
if len(ok) != 8 or len(bad) != 2:
    sys.exit(f"FAIL concurrency: {len(ok)} placed, {len(bad)} refused; expected 8 and 2")
# parse the ledger (format in src/place/ledger.h)
lines = open(f"{tmp}/ledger").read().split("\n")
assert lines[0] == "vnuma-ledger 2", lines[0]
guests, cur = {}, None
for l in lines[1:]:
    if not l:
        continue
    w = l.split()
    if w[0] == "host" and not guests: continue   # the host's fingerprint
    elif w[0] == "guest": cur = guests.setdefault(w[1], {"mem": {}, "cpus": set()})
    elif w[0] == "mem": cur["mem"][int(w[1])] = int(w[2])
    elif w[0] == "cpus":
        for part in w[1].split(","):
            a, _, b = part.partition("-")
            cur["cpus"].update(range(int(a), int(b or a) + 1))
    elif w[0] == "end": cur = None
    else: sys.exit(f"FAIL concurrency: ledger line {l!r}")
if sorted(guests) != sorted(f"race{i}" for i in ok):
    sys.exit(f"FAIL concurrency: ledger lists {sorted(guests)}")
per_node, seen = {}, set()
for g in guests.values():
    for n, kib in g["mem"].items():
        per_node[n] = per_node.get(n, 0) + kib
    if seen & g["cpus"]:
        sys.exit(f"FAIL concurrency: host CPUs {seen & g['cpus']} given twice")
    seen |= g["cpus"]
if any(v > 32 * 1024 * 1024 for v in per_node.values()):
    sys.exit(f"FAIL concurrency: a node is overcommitted: {per_node}")
for i in ok:
    plan = json.load(open(f"{tmp}/out{i}"))
    mem = {}
    for c in plan["cells"]:
        for n in c["nodes"]:
            mem[n["node"]] = mem.get(n["node"], 0) + n["memory_kib"]
    if mem != guests[f"race{i}"]["mem"]:
        sys.exit(f"FAIL concurrency: race{i} printed {mem}, ledger has {guests[f'race{i}']['mem']}")
print("ok concurrency: 8 placed, 2 refused, no node or CPU given twice")
PY
