#!/usr/bin/env python3
"""fixtures.py - `vnuma host --format svg` on recorded machines, checked
against hwloc's reading of the same machine (FIXTURES/hosts/NAME.hwloc-output,
lstopo's text), parsed with xml.etree.

usage: fixtures.py VNUMA FIXTURES

  256ia64-64n2s2c (two packages per NUMA node): every package hwloc lists
    (Package L#n (P#x)) is drawn exactly once, titled "Package P#x", and no
    other; the PUs drawn are hwloc's PUs (PU L#n (P#x)), each once; each PU
    sits inside the box of its package and its node.
  64intel64-fakeKNL-SNC4-hybrid: each MCDRAM node (memory only) is drawn
    beside the DDR node hwloc puts it with (the two NUMANode lines under one
    MemorySideCache), in the same row, right after it; nodes 0-3 have no
    free figure ("node N free: <not available>" in the numactl text), so
    their bar is drawn as unknown ("free unknown", class "bar unknown"),
    nodes 4-7 have one (no "free unknown").
  fakeheteromemtiers: the memory-only nodes 4, 6, 8, 9 are at distance 20
    from every CPU node (0-2; numactl's table): none is nearest, so none is
    put beside node 0: they follow the CPU nodes, in id order (drawn 0, 1,
    2, 4, 6, 8, 9).
Prints one line per failure; exit 1 on any, 77 when bzip2/tar are missing."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
fails = []


def text_of(el):
    return "".join(el.itertext())


def picture(vnuma, fixtures, tmp, name):
    subprocess.run(["tar", "-xjf", os.path.join(fixtures, "hosts", name + ".tar.bz2"),
                    "-C", tmp], check=True)
    out = subprocess.run([vnuma, "host", "--host", "sysfs:" + os.path.join(tmp, name),
                          "--format", "svg"], check=True, stdout=subprocess.PIPE).stdout
    return ET.fromstring(out)


def hwloc(fixtures, name):
    with open(os.path.join(fixtures, "hosts", name + ".hwloc-output")) as f:
        return f.read().splitlines()


def rect_of(g):
    r = g.find(NS + "rect")
    return tuple(int(r.get(k)) for k in ("x", "y", "width", "height"))


def inside(inner, outer):
    return (outer[0] <= inner[0] and outer[1] <= inner[1] and
            inner[0] + inner[2] <= outer[0] + outer[2] and
            inner[1] + inner[3] <= outer[1] + outer[3])


def check_packages(svg, lines):
    name = "256ia64-64n2s2c"
    want_pkgs = sorted(int(m.group(1)) for l in lines
                       for m in [re.match(r"\s*Package L#\d+ \(P#(\d+)", l)] if m)
    want_pus = sorted(int(m.group(1)) for l in lines
                      for m in [re.match(r"\s*PU L#\d+ \(P#(\d+)", l)] if m)
    # hwloc's PU -> package and PU -> node (the NUMANode line of its group)
    pu_pkg, pu_node, pkg, node = {}, {}, None, None
    for l in lines:
        m = re.match(r"\s*NUMANode L#\d+ \(P#(\d+)", l)
        if m:
            node = int(m.group(1))
        m = re.match(r"\s*Package L#\d+ \(P#(\d+)", l)
        if m:
            pkg = int(m.group(1))
        m = re.match(r"\s*PU L#\d+ \(P#(\d+)", l)
        if m:
            pu_pkg[int(m.group(1))], pu_node[int(m.group(1))] = pkg, node
    boxes = [g for g in svg.iter(NS + "g") if g.get("class") == "package"]
    got = []
    for g in boxes:
        t = g.find(NS + "text")
        m = re.fullmatch(r"Package P#(\d+)", "" if t is None else text_of(t))
        if not m:
            fails.append("%s: package box titled %r" % (name, None if t is None else text_of(t)))
            continue
        got.append(int(m.group(1)))
    print("%s: %d package boxes (hwloc: %d packages)" % (name, len(boxes), len(want_pkgs)))
    if sorted(got) != want_pkgs:
        missing = sorted(set(want_pkgs) - set(got))
        twice = sorted(p for p in set(got) if got.count(p) > 1)
        fails.append("%s: packages drawn %d, hwloc %d; missing %s; drawn more than once %s" % (
            name, len(got), len(want_pkgs), missing[:8], twice[:8]))
    pus = [g for g in svg.iter(NS + "g") if (g.get("id") or "").startswith("pu")]
    ids = sorted(int(g.get("id")[2:]) for g in pus)
    if ids != want_pus:
        fails.append("%s: PUs drawn %s differ from hwloc's %s" % (name, ids[:10], want_pus[:10]))
    pkg_rect = {}
    for g in boxes:
        t = g.find(NS + "text")
        if t is not None:
            pkg_rect.setdefault(text_of(t), rect_of(g))
    node_rect = {g.get("id"): rect_of(g) for g in svg.iter(NS + "g")
                 if re.fullmatch(r"node\d+", g.get("id") or "")}
    for g in pus:
        pu = int(g.get("id")[2:])
        r = rect_of(g)
        pr = pkg_rect.get("Package P#%s" % pu_pkg.get(pu))
        nr = node_rect.get("node%s" % pu_node.get(pu))
        if pr is None or not inside(r, pr):
            fails.append("%s: PU %d not inside Package P#%s" % (name, pu, pu_pkg.get(pu)))
        if nr is None or not inside(r, nr):
            fails.append("%s: PU %d not inside node %s" % (name, pu, pu_node.get(pu)))


def check_knl(svg, lines):
    name = "64intel64-fakeKNL-SNC4-hybrid"
    # hwloc: "NUMANode L#0 (P#0 ...)" then "NUMANode(MCDRAM) L#1 (P#7 ...)" in one group
    pairs, ddr = [], None
    for l in lines:
        m = re.match(r"\s*NUMANode(\(MCDRAM\))? L#\d+ \(P#(\d+)", l)
        if not m:
            continue
        if m.group(1):
            pairs.append((ddr, int(m.group(2))))
        else:
            ddr = int(m.group(2))
    if len(pairs) != 4:
        fails.append("%s: hwloc output has %d MCDRAM nodes, expected 4" % (name, len(pairs)))
    nodes = {g.get("id"): g for g in svg.iter(NS + "g")
             if re.fullmatch(r"node\d+", g.get("id") or "")}
    rects = {k: rect_of(g) for k, g in nodes.items()}
    for d, m in pairs:
        rd, rm = rects.get("node%d" % d), rects.get("node%d" % m)
        if rd is None or rm is None:
            fails.append("%s: node %d or %d not drawn" % (name, d, m))
            continue
        ok = rm[1] == rd[1] and 0 < rm[0] - (rd[0] + rd[2]) <= 10
        between = [k for k, r in rects.items() if r[1] == rd[1] and rd[0] < r[0] < rm[0]]
        if not ok or between:
            fails.append("%s: MCDRAM node %d at %s, not right beside node %d at %s" % (
                name, m, rm[:2], d, rd[:2]))
    for n in range(8):
        g = nodes.get("node%d" % n)
        if g is None:
            continue
        txt = text_of(g)
        bars = [r for r in g.iter(NS + "rect") if "bar" in (r.get("class") or "").split()]
        unknown = "free unknown" in txt and any("unknown" in r.get("class") for r in bars)
        if n < 4 and not unknown:
            fails.append("%s: node %d has no free figure but is not drawn as unknown (%r)" % (
                name, n, txt[:80]))
        if n >= 4 and ("free unknown" in txt or any("unknown" in r.get("class") for r in bars)):
            fails.append("%s: node %d has a free figure but is drawn as unknown" % (name, n))


def check_ties(svg):
    name = "fakeheteromemtiers"
    order = [int(g.get("id")[4:]) for g in svg.iter(NS + "g")
             if re.fullmatch(r"node\d+", g.get("id") or "")]
    if order != [0, 1, 2, 4, 6, 8, 9]:
        fails.append("%s: nodes drawn in the order %s, expected [0, 1, 2, 4, 6, 8, 9] "
                     "(no CPU node is nearest to the memory-only ones)" % (name, order))


def main(vnuma, fixtures):
    if not shutil.which("tar") or not shutil.which("bzip2"):
        print("tar or bzip2 missing: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        check_packages(picture(vnuma, fixtures, tmp, "256ia64-64n2s2c"),
                       hwloc(fixtures, "256ia64-64n2s2c"))
        check_knl(picture(vnuma, fixtures, tmp, "64intel64-fakeKNL-SNC4-hybrid"),
                  hwloc(fixtures, "64intel64-fakeKNL-SNC4-hybrid"))
        check_ties(picture(vnuma, fixtures, tmp, "fakeheteromemtiers"))
    for f in fails[:40]:
        print("FAIL " + f)
    if len(fails) > 40:
        print("... %d failures in all" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
