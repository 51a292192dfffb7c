#!/usr/bin/env python3
"""guest.py - the two halves of tests/guest/run that are easier in Python.

  guest.py compose ARGS MEMDIR SIDECAR -- BASE...
      Reads QEMU arguments (as `vnuma argv` prints them, --format shell or
      args, or a recorded NAME.expected-args) from the file ARGS, replaces
      @MEMDIR@ by MEMDIR, drops what precedes the first option (environment
      assignments and the emulator's name), merges every -machine value's
      properties into BASE's -machine option (QEMU merges repeated -machine
      options too; one option is simply clearer), creates the directories of
      file-backed memory (mem-path), and prints BASE + those arguments,
      NUL-separated, for the shell to exec.  SIDECAR gets, as JSON, what the
      check needs after the run: MEMDIR (and, for reading, the
      memory-backend-file objects and the merged -machine properties).

  guest.py words ARGS MEMDIR
      Prints the arguments in ARGS as compose uses them, one a line (the
      -machine properties first, as one -machine option).

  guest.py check DOMAIN.xml LOG SIDECAR
      Compares what the guest printed (between VNUMA-BEGIN and VNUMA-END, see
      tests/guest/init) with the NUMA layout DOMAIN.xml asks for: node count,
      each node's CPU list, each node's MemTotal (within the *_KIB bounds below), the
      distance matrix (<distances>, libvirt's symmetric filling and its 10/20
      defaults), HMAT access0 figures and memory-side caches, and that every
      cell libvirt would file-back (memAccess, shared access, file source)
      left its file ram-nodeN, at the cell's size, under the memory backing
      directory, and no other cell did.  Prints "ok" or the reasons, one a
      line; exit status 0 or 1.
      With -v also prints the memory figures (cell KiB, guest KiB, missing).
"""

import json
import os
import re
import shlex
import sys
import xml.etree.ElementTree as ET

# The guest's MemTotal of a node is below the cell's size by what the kernel
# reserves before the page allocator takes over.  Measured on these machines
# (Debian 6.1 cloud kernel, QEMU 7.2 pc, TCG; see README.md):
#   * every node: its struct page array, 64 bytes per 4 KiB page = 1/64 of
#     the node (4 MiB for 256 MiB) plus ~0.8 MiB of per-node data;
#   * node 0 besides: the kernel image, the low 1 MiB, the ACPI tables, the
#     SeaBIOS area and early boot allocations: ~34 MiB;
#   * the node holding the top of RAM also loses ~0.3 MiB of firmware data;
#   * with memory hot-plug (maxMemory above the boot memory) the SRAT names a
#     hot-pluggable range above 4 GiB, so the kernel forces SWIOTLB and takes
#     its 64 MiB bounce buffer from the top of the memory below 4 GiB: the
#     last cell's node (measured: 66060 KiB more missing there than
#     without hot-plug: the 64 MiB plus its ~0.5 MiB of bookkeeping).
# So: 0 <= missing <= size/64 + 2 MiB (+ 40 MiB on the node that holds
# guest physical address 0), both bounds + 64 MiB on the last cell's node
# with hot-plug.  A wrong layout (memory given to the wrong node) is off by
# a whole cell or dimm (>= 128 MiB in these domains).
PER_NODE_SLACK_KIB = 2 * 1024
NODE0_SLACK_KIB = 40 * 1024
SWIOTLB_KIB = 64 * 1024

UNITS = {
    "b": 1, "bytes": 1,
    "kb": 1000, "k": 1024, "kib": 1024,
    "mb": 1000 ** 2, "m": 1024 ** 2, "mib": 1024 ** 2,
    "gb": 1000 ** 3, "g": 1024 ** 3, "gib": 1024 ** 3,
    "tb": 1000 ** 4, "t": 1024 ** 4, "tib": 1024 ** 4,
}


def to_kib(value, unit):
    b = int(value) * UNITS[(unit or "KiB").lower()]
    return (b + 1023) // 1024


def parse_cpuset(s):
    """libvirt's bitmap syntax: '0-3,^2,5'."""
    cpus = set()
    if not s:
        return cpus
    for part in s.split(","):
        part = part.strip()
        neg = part.startswith("^")
        part = part.lstrip("^")
        if "-" in part:
            a, b = part.split("-")
            r = set(range(int(a), int(b) + 1))
        else:
            r = {int(part)}
        cpus = cpus - r if neg else cpus | r
    return cpus


def parse_cpulist(s):
    """The kernel's cpulist syntax: '0-1,4'; empty for a CPU-less node."""
    return parse_cpuset(s.strip())


# ---- compose ---------------------------------------------------------------

def read_args(path, memdir):
    text = open(path).read().replace("@MEMDIR@", memdir)
    text = text.replace("\\\n", " ")
    words = shlex.split(text, comments=True)
    while words and not words[0].startswith("-"):
        words.pop(0)            # VAR=value assignments, the emulator
    return words


def normalize(words):
    """Split off the -machine properties (every -machine value's key=value
    items; a bare first item is a machine type, and the type is BASE's);
    return (machine properties, the other arguments)."""
    machine_props = []
    rest = []
    i = 0
    while i < len(words):
        if words[i] in ("-machine", "-M") and i + 1 < len(words):
            machine_props += [p for p in words[i + 1].split(",") if "=" in p]
            i += 2
            continue
        rest.append(words[i])
        i += 1
    return machine_props, rest


def compose(args_file, memdir, sidecar, base):
    machine_props, rest = normalize(read_args(args_file, memdir))
    mem_files = []
    for i, w in enumerate(rest[:-1]):
        if w == "-object" and rest[i + 1].startswith("{"):
            try:
                o = json.loads(rest[i + 1])
            except ValueError as e:
                sys.stderr.write("-object %s: not JSON: %s\n" % (rest[i + 1], e))
                return 1
            if o.get("qom-type") == "memory-backend-file":
                os.makedirs(os.path.dirname(o["mem-path"]), exist_ok=True)
                mem_files.append({"id": o["id"], "path": o["mem-path"],
                                  "size": o["size"], "share": o.get("share")})
    out = list(base)
    if machine_props:
        for k, w in enumerate(out[:-1]):
            if w == "-machine":
                out[k + 1] += "," + ",".join(machine_props)
                break
        else:
            out += ["-machine", ",".join(machine_props)]
    out += rest
    with open(sidecar, "w") as f:
        json.dump({"memdir": memdir, "mem-files": mem_files, "machine": machine_props}, f)
    sys.stdout.write("\0".join(out) + "\0")
    return 0


# ---- check -----------------------------------------------------------------

def domain_layout(path):
    """The cells (id, cpus, KiB), distances and dimms a domain asks for."""
    root = ET.parse(path).getroot()
    cells = []
    for c in root.findall("./cpu/numa/cell"):
        cid = int(c.get("id", len(cells)))
        cells.append({"id": cid, "cpus": parse_cpuset(c.get("cpus")),
                      # libvirt rounds each cell up to a whole MiB
                      "kib": -(-to_kib(c.get("memory"), c.get("unit")) // 1024) * 1024,
                      "siblings": {int(s.get("id")): int(s.get("value"))
                                   for s in c.findall("./distances/sibling")}})
    cells.sort(key=lambda c: c["id"])
    n = len(cells)
    # libvirt (virDomainNumaDefNodeDistanceParseXML): an explicit value wins,
    # else the one given the other way round, else 10 local / 20 remote.
    dist = [[10 if i == j else 20 for j in range(n)] for i in range(n)]
    given = [[False] * n for _ in range(n)]
    for c in cells:
        for j, v in c["siblings"].items():
            dist[c["id"]][j] = v
            given[c["id"]][j] = True
    for i in range(n):
        for j in range(n):
            if not given[i][j] and given[j][i]:
                dist[i][j] = dist[j][i]
    maxmem = root.find("./maxMemory")
    hotplug = (maxmem is not None and
               to_kib(maxmem.text, maxmem.get("unit")) > sum(c["kib"] for c in cells))
    dimms = []
    for m in root.findall("./devices/memory"):
        if m.get("model") not in ("dimm",):
            continue
        size = m.find("./target/size")
        node = m.find("./target/node")
        dimms.append({"kib": to_kib(size.text, size.get("unit")),
                      "node": int(node.text) if node is not None else 0})
    hmat = {}           # target cell -> {"initiators", read/write latency/bandwidth}
    for kind in ("latency", "bandwidth"):
        for e in root.findall("./cpu/numa/interconnects/" + kind):
            if e.get("cache"):
                continue        # memory-side cache figures: not in access0
            t = hmat.setdefault(int(e.get("target")), {"initiators": set()})
            t["initiators"].add(int(e.get("initiator")))
            v = int(e.get("value"))
            if kind == "bandwidth":     # libvirt: KiB/s; Linux: MiB/s
                v = to_kib(v, e.get("unit")) // 1024
            for rw in ("read", "write"):
                if e.get("type") in ("access", rw):
                    k = rw + "_" + kind
                    best = min if kind == "latency" else max
                    t[k] = best(t[k], v) if k in t else v
    caches = {}         # cell -> [(level, size bytes, line bytes, indexing, policy)]
    for c in root.findall("./cpu/numa/cell"):
        for k in c.findall("./cache"):
            size, line = k.find("./size"), k.find("./line")
            caches.setdefault(int(c.get("id")), []).append((
                int(k.get("level")),
                to_kib(size.get("value"), size.get("unit")) * 1024,
                int(line.get("value")) * UNITS[(line.get("unit") or "B").lower()],
                # Linux's enum cache_indexing / cache_write_policy numbers
                {"direct": 0, "full": 1}.get(k.get("associativity"), 2),
                {"writeback": 0, "writethrough": 1}.get(k.get("policy"), 2)))
    # Which cells libvirt puts in a memory-backend-file (qemuBuildMemoryBackendProps
    # without huge pages): not memfd, and a memAccess (the cell's or the
    # domain's) or <source type='file'/>.
    src = root.find("./memoryBacking/source")
    src = src.get("type") if src is not None else None
    acc = root.find("./memoryBacking/access")
    acc = acc.get("mode") if acc is not None else None
    file_cells = [c.get("id") for c in root.findall("./cpu/numa/cell")
                  if src != "memfd" and ((c.get("memAccess") or acc) or src == "file")]
    file_cells = [c for c in cells if c["id"] in {int(x) for x in file_cells}]
    layout = {"cells": cells, "file_cells": file_cells, "dist": dist, "dimms": dimms, "hotplug": hotplug,
              "hmat": hmat, "caches": caches}
    return layout


def linux_node_order(cells):
    """Linux numbers NUMA nodes in the order their proximity domains first
    appear in the SRAT: QEMU lists the CPUs first (by CPU index), then the
    memory ranges (by node).  So a CPU-less cell comes after every cell with
    CPUs.  Returns cell ids in guest-node order."""
    order = []
    cpu_owner = {}
    for c in cells:
        for cpu in c["cpus"]:
            cpu_owner[cpu] = c["id"]
    for cpu in sorted(cpu_owner):
        if cpu_owner[cpu] not in order:
            order.append(cpu_owner[cpu])
    for c in cells:
        if c["id"] not in order:
            order.append(c["id"])
    return order


def guest_layout(log):
    text = open(log, errors="replace").read()
    m = re.search(r"VNUMA-BEGIN\r?\n(.*?)VNUMA-END", text, re.S)
    if not m:
        return None
    nodes = {}
    blocks = []
    for line in m.group(1).splitlines():
        w = line.split()
        if len(w) >= 3 and w[0] == "node":
            n = nodes.setdefault(int(w[1]), {})
            if w[2] == "cpus":
                n["cpus"] = parse_cpulist(" ".join(w[3:]))
            elif w[2] == "memtotal":
                n["kib"] = int(w[3]) if len(w) > 3 else None
            elif w[2] == "distance":
                n["distance"] = [int(x) for x in w[3:]]
            elif w[2] == "access0" and len(w) >= 4:
                if w[3] == "initiators":
                    n["initiators"] = {int(x) for x in w[4:]}
                elif len(w) == 5:
                    n[w[3]] = int(w[4])
            elif w[2] == "cache" and len(w) == 12:
                n.setdefault("caches", []).append(
                    (int(w[3]), int(w[5]), int(w[7]), int(w[9]), int(w[11])))
        elif len(w) >= 5 and w[0] == "memblock":
            blocks.append((w[1], w[3], w[4]))
    return nodes, blocks


def fmt_set(s):
    return ",".join(str(x) for x in sorted(s)) or "(none)"


def check_hmat(lay, order, nodes, errs):
    """HMAT: access0 of every target named in <interconnects> (initiators,
    latencies in ns, bandwidths in MiB/s) and the memory-side caches."""
    gnode = {cid: gn for gn, cid in enumerate(order)}
    for cid, want in sorted(lay["hmat"].items()):
        n = nodes.get(gnode.get(cid), {})
        if "initiators" not in n:
            errs.append("node %s (cell %d): no HMAT access0 data" % (gnode.get(cid), cid))
            continue
        want_i = {gnode[i] for i in want["initiators"]}
        if n["initiators"] != want_i:
            errs.append("node %d (cell %d): HMAT initiators %s, the domain %s"
                        % (gnode[cid], cid, fmt_set(n["initiators"]), fmt_set(want_i)))
        for k in ("read_latency", "write_latency", "read_bandwidth", "write_bandwidth"):
            if k in want and n.get(k) != want[k]:
                errs.append("node %d (cell %d): HMAT %s %s, the domain %d"
                            % (gnode[cid], cid, k, n.get(k), want[k]))
    for cid in byid_all(lay):
        want = sorted(lay["caches"].get(cid, []))
        got = sorted(nodes.get(gnode[cid], {}).get("caches", []))
        if want != got:
            errs.append("node %d (cell %d): memory-side caches %s, the domain %s"
                        % (gnode[cid], cid, got, want))


def byid_all(lay):
    return [c["id"] for c in lay["cells"]]


def check(domain, log, sidecar, verbose):
    lay = domain_layout(domain)
    cells, dist, dimms, hotplug = lay["cells"], lay["dist"], lay["dimms"], lay["hotplug"]
    g = guest_layout(log)
    errs = []
    if g is None:
        tail = open(log, errors="replace").read()[-300:] if os.path.exists(log) else ""
        print("no VNUMA-BEGIN/VNUMA-END in the guest's console log; its end: "
              + repr(tail))
        return 1
    nodes, blocks = g
    if len(nodes) != len(cells):
        errs.append("guest has %d NUMA nodes, the domain %d cells" % (len(nodes), len(cells)))
    order = linux_node_order(cells)
    byid = {c["id"]: c for c in cells}
    extra = {c["id"]: 0 for c in cells}
    for d in dimms:
        extra[d["node"]] += d["kib"]
    for gn, cid in enumerate(order):
        if gn not in nodes:
            errs.append("guest has no node %d (cell %d)" % (gn, cid))
            continue
        n = nodes[gn]
        c = byid[cid]
        if n.get("cpus") != c["cpus"]:
            errs.append("node %d (cell %d): CPUs %s, the cell has %s"
                        % (gn, cid, fmt_set(n.get("cpus", set())), fmt_set(c["cpus"])))
        want = c["kib"] + extra[cid]
        got = n.get("kib")
        low = SWIOTLB_KIB if hotplug and cid == cells[-1]["id"] else 0
        high = low + want // 64 + PER_NODE_SLACK_KIB + (NODE0_SLACK_KIB if cid == 0 else 0)
        if verbose:
            print("memory node %d (cell %d): cell %d KiB, guest %s KiB, missing %s KiB, allowed %d..%d"
                  % (gn, cid, want, got, None if got is None else want - got, low, high))
        if got is None or not low <= want - got <= high:
            errs.append("node %d (cell %d): MemTotal %s KiB, the cell (with its dimms) %d KiB, allowed shortfall %d..%d KiB"
                        % (gn, cid, got, want, low, high))
        want_d = [dist[cid][order[k]] for k in range(len(order))]
        if n.get("distance") != want_d:
            errs.append("node %d (cell %d): distances %s, the domain asks %s"
                        % (gn, cid, n.get("distance"), want_d))
    check_hmat(lay, order, nodes, errs)
    offline = [b for b in blocks if b[2] != "online"]
    if offline:
        errs.append("memory blocks left offline: %s" % " ".join(b[0] for b in offline))
    # File-backed cells: QEMU leaves each backend's file (named after its id,
    # ram-nodeN, under the memory backing directory) at the backend's size.
    side = json.load(open(sidecar)) if sidecar and os.path.exists(sidecar) else {}
    files = {}
    for dirpath, _, names in os.walk(side.get("memdir", "/nonexistent")):
        for f in names:
            files.setdefault(f, []).append(os.path.join(dirpath, f))
    for c in lay["file_cells"]:
        alias = "ram-node%d" % c["id"]
        found = files.pop(alias, [])
        if len(found) != 1:
            errs.append("cell %d: no backing file %s under the memory backing directory"
                        % (c["id"], alias))
        elif os.path.getsize(found[0]) != c["kib"] * 1024:
            errs.append("cell %d: backing file %s has %d bytes, not %d"
                        % (c["id"], found[0], os.path.getsize(found[0]), c["kib"] * 1024))
    for alias in sorted(files):
        errs.append("unexpected file %s under the memory backing directory" % alias)
    for e in errs:
        print(e)
    if not errs:
        print("ok")
    return 1 if errs else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "words":
        props, rest = normalize(read_args(argv[2], argv[3]))
        print("\n".join((["-machine", ",".join(props)] if props else []) + rest))
        return 0
    if len(argv) >= 5 and argv[1] == "compose" and argv[5:6] == ["--"]:
        return compose(argv[2], argv[3], argv[4], argv[6:])
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    if len(argv) == 5 and argv[1] == "check":
        return check(argv[2], argv[3], argv[4], verbose)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
