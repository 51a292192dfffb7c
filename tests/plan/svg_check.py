#!/usr/bin/env python3
"""svg_check.py - check a `vnuma plan --format svg` picture against the
resolved domain (`vnuma plan --format xml` with the same arguments), for
tests/plan/svg.sh.

usage: svg_check.py RESOLVED.xml PICTURE.svg

Checks, with the domain as the reference:
  - the picture is well-formed XML;
  - one legend entry per guest cell, in order, each "guest cell N" in the
    palette colour of its index (svg_overlay.c's palette, wrapping at 12);
  - each cell is marked, with its label, on every host node of its
    <memnode> nodeset;
  - the PU box of every host CPU a <vcpupin> names carries the colour of the
    vCPU's cell (a vCPU in no cell: cell 0), and no other PU carries a cell
    colour; a host CPU pinned by one vCPU only shows its label "vN", one
    pinned by several shows "vN+" (N one of them) and names them all in its
    tooltip, and the legend explains vN and vN+; no PU drawn "reserved" has
    a vCPU pinned to it.
Prints nothing and exits 0 when all hold; else one line per failure, exit 1."""
import sys
import xml.etree.ElementTree as ET

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a"]
NS = "{http://www.w3.org/2000/svg}"


def parse_set(s):
    """libvirt's set syntax: 0-3,^2,5."""
    out, neg = set(), set()
    for part in s.split(","):
        part = part.strip()
        if not part:
            continue
        dst = neg if part.startswith("^") else out
        part = part.lstrip("^")
        lo, _, hi = part.partition("-")
        dst.update(range(int(lo), int(hi or lo) + 1))
    return out - neg


def text_of(el):
    return "".join(el.itertext())


def main(xml_path, svg_path):
    fails = []
    dom = ET.parse(xml_path).getroot()
    try:
        svg = ET.parse(svg_path).getroot()
    except ET.ParseError as e:
        print("%s: not well-formed: %s" % (svg_path, e))
        return 1
    cells = dom.findall("./cpu/numa/cell")
    vcpu_cell = {}
    for i, c in enumerate(cells):
        for v in parse_set(c.get("cpus", "")):
            vcpu_cell[v] = i
    memnodes = {int(m.get("cellid")): parse_set(m.get("nodeset"))
                for m in dom.findall("./numatune/memnode")}

    legend = svg.findall(".//%sg[@class='legend-cell']" % NS)
    if len(legend) != len(cells):
        fails.append("%d legend entries for %d cells" % (len(legend), len(cells)))
    for i, (entry, c) in enumerate(zip(legend, cells)):
        label = "guest cell %s" % c.get("id")
        swatch = entry.find("%srect" % NS)
        if swatch is None or swatch.get("fill") != PALETTE[i % len(PALETTE)]:
            fails.append("legend %d: colour %s, expected %s" % (
                i, None if swatch is None else swatch.get("fill"), PALETTE[i % len(PALETTE)]))
        if not text_of(entry).startswith(label + " "):
            fails.append("legend %d: %r does not name %s" % (i, text_of(entry), label))

    nodes = {g.get("id"): g for g in svg.iter("%sg" % NS) if (g.get("id") or "").startswith("node")}
    for i, c in enumerate(cells):
        label = "guest cell %s" % c.get("id")
        for n in sorted(memnodes.get(i, ())):
            g = nodes.get("node%d" % n)
            marks = [] if g is None else [text_of(m) for m in g.iter("%sg" % NS)
                                          if m.get("class") == "mark"]
            if not any(m == label or m.startswith(label + ":") for m in marks):
                fails.append("node %d: no mark of %s (marks: %s)" % (n, label, marks))

    expect = {}   # host cpu -> set of colours; cpu -> vCPU labels
    labels = {}
    for p in dom.findall("./cputune/vcpupin"):
        v = int(p.get("vcpu"))
        colour = PALETTE[vcpu_cell.get(v, 0) % len(PALETTE)]
        for cpu in parse_set(p.get("cpuset")):
            expect.setdefault(cpu, set()).add(colour)
            labels.setdefault(cpu, []).append("v%d" % v)
    pus = {int(g.get("id")[2:]): g for g in svg.iter("%sg" % NS)
           if (g.get("id") or "").startswith("pu")}
    for cpu, g in sorted(pus.items()):
        fills = {r.get("fill") for r in g.findall("%srect" % NS)} & set(PALETTE)
        want = expect.get(cpu, set())
        if fills != want:
            fails.append("PU %d: colours %s, expected %s" % (cpu, sorted(fills), sorted(want)))
        texts = [text_of(t) for t in g.findall("%stext" % NS)]
        if len(labels.get(cpu, [])) == 1 and labels[cpu][0] not in texts:
            fails.append("PU %d: no label %s (texts %s)" % (cpu, labels[cpu][0], texts))
        # several vCPUs pinned to one PU: "vN+" with N one of them, all in its tooltip
        if len(labels.get(cpu, [])) > 1:
            if not any(t in [l + "+" for l in labels[cpu]] for t in texts):
                fails.append("PU %d: pinned by %s, no 'vN+' label (texts %s)" % (
                    cpu, labels[cpu], texts))
            title = g.find("%stitle" % NS)
            named = set() if title is None else set(
                text_of(title).split(": vCPUs ")[-1].split(", "))
            if named != set(labels[cpu]):
                fails.append("PU %d: tooltip names %s, pinned by %s" % (
                    cpu, sorted(named), sorted(labels[cpu])))
        if "reserved" in (g.get("class") or "").split() and cpu in expect:
            fails.append("PU %d: drawn reserved but a vCPU is pinned to it" % cpu)
    notes = [text_of(g) for g in svg.iter("%sg" % NS) if g.get("class") == "legend-note"]
    if labels and not any(n.startswith("vN on a PU: vCPU N is pinned to that host CPU; vN+:")
                          for n in notes):
        fails.append("vCPU labels drawn, but the legend does not explain vN and vN+ (%s)" % notes)
    for cpu in sorted(set(expect) - set(pus)):
        fails.append("pinned host CPU %d has no PU box" % cpu)
    for f in fails:
        print("%s: %s" % (svg_path, f))
    return 1 if fails else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
