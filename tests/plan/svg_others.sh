#!/bin/sh
# svg_others.sh VNUMA PLAN_DIR - `vnuma plan --ledger FILE --format svg`
# draws the ledger's other guests and the host CPUs isolate reserves.
#
# On the synthetic SMT host (2 PUs a core), guest iso (cases/c08: two cells
# of 2 GiB, one vCPU each, thread policy isolate) is planned first: the
# ledger records it on nodes 0 and 1 with CPUs 0-1,8-9 (vCPUs on P#0 and
# P#8, their siblings P#1 and P#9 kept idle; tests/plan/svg/README s04).
# Then the same domain named iso2 is planned as a picture with that ledger:
#   - iso is listed apart ("Other guests"), "other guest iso - host CPUs
#     0-1,8-9 - 4 GiB on nodes 0-1", in the neutral colour #505050;
#   - nodes 0 and 1 carry the mark "other guest iso: 2 GiB" and a #505050
#     segment in their memory bar;
#   - PUs 0, 1, 8 and 9 are filled #505050 (taken), not left white;
#   - iso2's own 4 CPUs (the ledger after the run): the 2 its vCPUs are
#     pinned to (labelled v0, v1) and the 2 others drawn reserved (class
#     "reserved", "rsvd"), and the legend explains vN and rsvd.
set -u
vnuma=$1; dir=$2
cd "$dir" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL svg_others: $*"; exit 1; }
host='synthetic:package:2 numa:4 core:4 pu:2'
"$vnuma" plan --ledger "$tmp/L" --host "$host" --dedicated --thread-policy isolate \
    cases/c08-isolate-smt.xml >/dev/null 2>"$tmp/err" || fail "iso: $(cat "$tmp/err")"
grep -qx 'cpus 0-1,8-9' "$tmp/L" || fail "iso recorded $(grep cpus "$tmp/L"), expected 0-1,8-9"
sed 's|<name>iso</name>|<name>iso2</name>|' cases/c08-isolate-smt.xml >"$tmp/iso2.xml"
"$vnuma" plan --ledger "$tmp/L" --host "$host" --dedicated --thread-policy isolate \
    --format svg "$tmp/iso2.xml" >"$tmp/out.svg" 2>"$tmp/err" || fail "iso2: $(cat "$tmp/err")"
iso2=$(awk '/^guest iso2$/{g=1} g && /^cpus /{print $2; exit}' "$tmp/L")
[ -n "$iso2" ] || fail "iso2 not recorded with CPUs"
python3 - "$tmp/out.svg" "$iso2" <<'PY' || fail "picture"
import sys, xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
OTHER = "#505050"
svg = ET.parse(sys.argv[1]).getroot()
def parse_set(s):
    out = set()
    for part in s.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out
iso2 = parse_set(sys.argv[2])
text = lambda e: "".join(e.itertext())
fails = []
others = [g for g in svg.iter(NS + "g") if g.get("class") == "legend-cell other"]
want = "other guest iso - host CPUs 0-1,8-9 - 4 GiB on nodes 0-1"
if [text(g) for g in others] != [want]:
    fails.append("other guests in the legend: %s, expected [%r]" % ([text(g) for g in others], want))
if not others or others[0].find(NS + "rect").get("fill") != OTHER:
    fails.append("other guest's swatch not %s" % OTHER)
if "Other guests (in the ledger)" not in [text(t) for t in svg.iter(NS + "text")]:
    fails.append("no 'Other guests' heading")
byid = {g.get("id"): g for g in svg.iter(NS + "g") if g.get("id")}
for n in (0, 1):
    g = byid["node%d" % n]
    marks = [text(m) for m in g.iter(NS + "g") if m.get("class") == "mark"]
    if "other guest iso: 2 GiB" not in marks:
        fails.append("node %d marks %s lack 'other guest iso: 2 GiB'" % (n, marks))
    if not any(r.get("fill") == OTHER and r.get("height") == "8" for r in g.findall(NS + "rect")):
        fails.append("node %d: no %s segment in the memory bar" % (n, OTHER))
for cpu in (0, 1, 8, 9):
    fills = {r.get("fill") for r in byid["pu%d" % cpu].iter(NS + "rect")}
    if OTHER not in fills:
        fails.append("PU %d (iso's) not filled %s: %s" % (cpu, OTHER, fills))
if len(iso2) != 4 or iso2 & {0, 1, 8, 9}:
    fails.append("iso2 holds %s: expected 4 CPUs other than iso's" % sorted(iso2))
pinned, reserved = set(), set()
for cpu in iso2:
    g = byid["pu%d" % cpu]
    texts = [text(t) for t in g.findall(NS + "text")]
    if "reserved" in g.get("class").split():
        if "rsvd" not in texts:
            fails.append("reserved PU %d does not say rsvd: %s" % (cpu, texts))
        reserved.add(cpu)
    elif "v0" in texts or "v1" in texts:
        pinned.add(cpu)
if len(pinned) != 2 or len(reserved) != 2:
    fails.append("iso2's CPUs %s: pinned %s, reserved %s (expected 2 and 2)" % (
        sorted(iso2), sorted(pinned), sorted(reserved)))
notes = [text(g) for g in svg.iter(NS + "g") if g.get("class") == "legend-note"]
if not any(n.startswith("vN on a PU: vCPU N is pinned") for n in notes) or \
        not any(n.startswith("rsvd: host CPU reserved") for n in notes):
    fails.append("legend notes: %s" % notes)
for f in fails:
    print(f)
sys.exit(1 if fails else 0)
PY
echo "ok svg_others"
