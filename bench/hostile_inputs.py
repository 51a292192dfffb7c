#!/usr/bin/env python3
"""hostile_inputs.py - the hostile inputs of issue 11 and their siblings,
each with the outcome vnuma must give.  One table (CASES) serves the
regression test and the benchmark:

  bench/hostile_inputs.py write DIR          write every input into DIR
  bench/hostile_inputs.py check VNUMA [DIR]  run each case, compare its exit
                                             status and message (a test:
                                             last line `N passed, N failed`)
  bench/hostile_bench                        the same cases timed (time, RSS)

A case runs one vnuma command on its input ({vnuma}, {f} the input, {d}
the directory of inputs) and expects an exit status and a piece of its
standard error; a round-trip case writes a host as caps, reads that back
and writes it again: both documents must be equal.  Nothing here is timed;
each command has a generous timeout that only catches a hang.
"""
import os
import subprocess
import sys

# ---- domains ----------------------------------------------------------------

HEAD = ("<domain type='kvm'><name>t</name><memory unit='KiB'>%d</memory>"
        "<vcpu>%d</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>")


def domain_cells(n, cpus=False):
    cells = "".join("<cell%s memory='1024' unit='KiB'/>" % (" cpus='%d'" % i if cpus else "")
                    for i in range(n))
    return HEAD % (n * 1024, n if cpus else 1) + "<cpu><numa>" + cells + "</numa></cpu></domain>"


def domain_attrs(n):
    return ("<domain type='kvm' " + " ".join("a%d=''" % i for i in range(n)) +
            "><name>t</name></domain>")


def domain_empty(size):
    head = (HEAD % (1048576, 1)).replace("</os>", "</os><metadata>")
    return head + "<a/>" * ((size - len(head) - 20) // 4) + "</metadata></domain>"


def domain_vcpupins(n):
    pins = "".join("<vcpupin vcpu='%d' cpuset='%d'/>" % (i, i % 64) for i in range(n))
    return (HEAD % (1048576, n)) + "<cputune>" + pins + "</cputune></domain>"


def domain_iothreads(n):
    ids = "".join("<iothread id='%d'/>" % (i + 1) for i in range(n))
    return (HEAD % (1048576, 1)) + "<iothreadids>" + ids + "</iothreadids></domain>"


def domain_interconnects(cells, n):
    c = "".join("<cell id='%d' cpus='%d' memory='1024' unit='KiB'/>" % (i, i) for i in range(cells))
    pairs = [(i, t) for i in range(cells) for t in range(i, cells)]
    lat = ["<latency initiator='%d' target='%d' type='%s' value='%d'/>" %
           (pairs[k % len(pairs)] + (("access", "read", "write")[k // len(pairs)], k + 1))
           for k in range(n)]
    return (HEAD % (cells * 1024, cells) + "<cpu><numa>" + c + "<interconnects>" +
            "".join(lat) + "</interconnects></numa></cpu></domain>")


def domain_hugepages(n):
    pages = "".join("<page size='2048' unit='KiB' nodeset='%d'/>" % (n - 1 - i) for i in range(n))
    return (HEAD % (1048576, 1) + "<memoryBacking><hugepages>" + pages +
            "</hugepages></memoryBacking><vnuma mode='host'/></domain>")


def domain_nsdecls(n):
    return ("<domain type='kvm'><name>t</name><metadata>" +
            "".join("<m xmlns:p%d='urn:x'/>" % i for i in range(n)) + "</metadata></domain>")


def domain_utf16():
    return ("<?xml version='1.0' encoding='UTF-16'?>" + domain_attrs(200000)).encode("utf-16")


def domain_attlist():
    return ("<!DOCTYPE domain [<!ATTLIST domain " +
            " ".join("a%d CDATA 'x'" % i for i in range(50000)) + ">]>" +
            "<domain type='kvm'><name>t</name></domain>")


# An auto-placed guest of 2 x 1 GiB, for plan.
AUTO = ("<domain type='kvm'><name>auto</name><memory unit='GiB'>2</memory>"
        "<vcpu placement='static'>2</vcpu><numatune><memory mode='strict' placement='auto'/>"
        "</numatune><os><type arch='x86_64' machine='pc'>hvm</type></os><cpu><numa>"
        "<cell id='0' cpus='0' memory='1' unit='GiB'/><cell id='1' cpus='1' memory='1' unit='GiB'/>"
        "</numa></cpu></domain>\n")

# ---- hosts ------------------------------------------------------------------


def caps(cells):
    return ("<capabilities><host><topology><cells num='%d'>%s</cells></topology></host>"
            "</capabilities>\n" % (len(cells), "".join(cells)))


def caps_cell(i, mem_kib, cpus, pages=""):
    cpu = "".join("<cpu id='%d' socket_id='0' die_id='0' core_id='%d' siblings='%d'/>" % (c, c, c)
                  for c in cpus)
    return ("<cell id='%d'><memory unit='KiB'>%d</memory>%s<cpus num='%d'>%s</cpus></cell>" %
            (i, mem_kib, pages, len(cpus), cpu))


def sysfs_tree(root, nodes, meminfo=None, fifo_meminfo=False, cpus_of=None):
    """A recorded tree ROOT/sys/devices/system with node/nodeN and cpu/cpuN."""
    base = os.path.join(root, "sys", "devices", "system")
    os.makedirs(os.path.join(base, "cpu"), exist_ok=True)
    for n in nodes:
        d = os.path.join(base, "node", "node%d" % n)
        os.makedirs(d, exist_ok=True)
        if cpus_of is None:
            continue
        cpus = cpus_of(n)
        with open(os.path.join(d, "cpulist"), "w") as f:
            f.write(",".join(str(c) for c in cpus) + "\n")
        path = os.path.join(d, "meminfo")
        if fifo_meminfo:
            if not os.path.exists(path):
                os.mkfifo(path)
        else:
            with open(path, "w") as f:
                f.write(meminfo or "Node %d MemTotal: 8388608 kB\nNode %d MemFree: 8000000 kB\n"
                        % (n, n))
        for c in cpus:
            os.makedirs(os.path.join(base, "cpu", "cpu%d" % c, "topology"), exist_ok=True)


def write_all(d):
    os.makedirs(d, exist_ok=True)

    def put(name, data):
        with open(os.path.join(d, name), "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)

    for name, make in DOMAINS.items():
        put(name, make())
    put("auto.xml", AUTO)
    put("caps-16384-cells.xml", caps(["<cell id='%d'/>" % i for i in range(16384)]))
    put("caps-1025-cells.xml", caps(["<cell id='%d'/>" % i for i in range(1025)]))
    put("caps-cpu-two-nodes.xml", caps([caps_cell(0, 8388608, [0, 1]), caps_cell(1, 8388608, [1, 2])]))
    put("caps-pages-max.xml",
        caps([caps_cell(0, 8388608, [0, 1], "<pages unit='KiB' size='2048'>18446744073709551615</pages>")]))
    put("caps-no-socket.xml", caps([
        "<cell id='0'><memory unit='KiB'>1048576</memory><cpus num='2'><cpu id='0' siblings='0-1'/>"
        "<cpu id='1' siblings='0-1'/></cpus></cell>"]))
    sysfs_tree(os.path.join(d, "sysfs-16384-nodes"), range(16384))
    sysfs_tree(os.path.join(d, "sysfs-fifo"), [0], fifo_meminfo=True, cpus_of=lambda n: [0, 1])
    sysfs_tree(os.path.join(d, "sysfs-memtotal-max"), [0],
               meminfo="Node 0 MemTotal: 18446744073709551615 kB\n", cpus_of=lambda n: [0])
    sysfs_tree(os.path.join(d, "sysfs-cpu-two-nodes"), [0, 1], cpus_of=lambda n: [n, 1])


DOMAINS = {
    "cells-100k.xml": lambda: domain_cells(100000),
    "cells-200k.xml": lambda: domain_cells(200000),
    "cells-1024-cpus.xml": lambda: domain_cells(1024, cpus=True),
    "cells-1025.xml": lambda: domain_cells(1025),
    "attrs-40k.xml": lambda: domain_attrs(40000),
    "attrs-200k.xml": lambda: domain_attrs(200000),
    "empty-9.9M.xml": lambda: domain_empty(9_900_000),
    "vcpupin-16384.xml": lambda: domain_vcpupins(16384),
    "iothreads-16384.xml": lambda: domain_iothreads(16384),
    "iothreads-60k.xml": lambda: domain_iothreads(60000),
    "interconnects-30k.xml": lambda: domain_interconnects(200, 30000),
    "hugepages-16384.xml": lambda: domain_hugepages(16384),
    "nsdecls-65.xml": lambda: domain_nsdecls(65),
    "utf16-attrs.xml": domain_utf16,
    "attlist-50k.xml": domain_attlist,
}

TAGS = "XML error: more than 200000 tags and attributes"
# (input, command, what, exit status, stderr piece, before): `before` is the
# issue's figure or one measured on the tree before the fix; "rt" as the
# status marks a round trip (the command is the host source).
CASES = [
    ("cells-100k.xml", "xml", "100,000 cells without cpus", 1, TAGS, "12.5 s"),
    ("cells-200k.xml", "xml", "200,000 cells without cpus", 1, TAGS, "28.6 s"),
    ("cells-1024-cpus.xml", "xml", "1,024 cells with cpus", 0, "", ""),
    ("cells-1025.xml", "xml", "1,025 cells", 1, "more than vnuma supports (1024)", ""),
    ("attrs-40k.xml", "xml", "40,000 attributes on one element", 1,
     "element 'domain' has more than 128 attributes", "2.1 s"),
    ("attrs-200k.xml", "xml", "200,000 attributes on one element", 1,
     "element 'domain' has more than 128 attributes", "> 60 s"),
    ("empty-9.9M.xml", "xml", "9.9 MB of empty elements", 1, TAGS, "334 MB"),
    ("vcpupin-16384.xml", "xml", "16,384 vCPUs each pinned", 0, "", "0.34 s"),
    ("iothreads-16384.xml", "xml", "16,384 iothread ids", 0, "", "0.17 s"),
    ("iothreads-60k.xml", "xml", "60,000 iothread ids", 1, "is more than vnuma supports", "1.65 s"),
    ("interconnects-30k.xml", "xml", "30,000 latencies, 200 cells", 0, "", "0.96 s"),
    ("hugepages-16384.xml", "xml", "16,384 page sizes, <vnuma>", 0, "", "89.8 s"),
    ("nsdecls-65.xml", "xml", "65 namespace declarations", 1, "more than 64 namespace", ""),
    ("utf16-attrs.xml", "xml", "UTF-16, 200,000 attributes", 1, "UTF-16, UCS-4 or EBCDIC", ""),
    ("attlist-50k.xml", "xml", "<!ATTLIST> with 50,000 defaults", 1,
     "attribute-list declarations are not allowed", ""),
    ("caps-16384-cells.xml", "plan --host {f} {d}/auto.xml", "caps: 16,384 bare cells, plan", 3,
     "invalid id '1024' in <cell> (at most 1023)", "7.7 s, 2.1 GB"),
    ("caps-16384-cells.xml", "advise --host {f} -w 1", "caps: 16,384 bare cells, advise", 3,
     "invalid id '1024' in <cell>", "0.64 s, 1.06 GB"),
    ("caps-1025-cells.xml", "host --host {f}", "caps: 1,025 cells", 3, "invalid id '1024'", ""),
    ("sysfs-16384-nodes", "host --host sysfs:{f} --format text",
     "sysfs: 16,384 empty nodeN, host", 3, "ids must be below 1024", "27.9 s, 1.06 GB"),
    ("sysfs-16384-nodes", "plan --host sysfs:{f} {d}/auto.xml", "sysfs: 16,384 empty nodeN, plan",
     3, "ids must be below 1024", "6.0 s, 2.1 GB"),
    ("sysfs-fifo", "host --host sysfs:{f}", "sysfs: meminfo is a FIFO", 3,
     "is a FIFO, not a regular file", "hangs"),
    ("caps-cpu-two-nodes.xml", "advise --host {f} -w 4", "caps: CPU 1 in two nodes, advise", 3,
     "CPU 1 is in nodes 0 and 1", "4 CPUs of 3"),
    ("caps-cpu-two-nodes.xml", "plan --host {f} {d}/auto.xml", "caps: CPU 1 in two nodes, plan", 3,
     "CPU 1 is in nodes 0 and 1", "internal error"),
    ("sysfs-cpu-two-nodes", "advise --host sysfs:{f} -w 1", "sysfs: CPU 1 in two nodes", 3,
     "CPU 1 is in nodes 0 and 1", ""),
    ("caps-pages-max.xml", "advise --host {f} -w 1:100000000000000", "caps: 2^64-1 huge pages",
     3, "18446744073709551615 pages of 2048 KiB are more than its 8388608 KiB", "placed"),
    ("sysfs-memtotal-max", "host --host sysfs:{f} --format caps", "sysfs: MemTotal 2^64-1 kB", 3,
     "is more than the limit of 4398046511104 KiB (4 PiB)", "unreadable caps"),
    ("caps-no-socket.xml", "{f}", "round trip: <cpu siblings> without socket", "rt", "",
     "socket_id='-1'"),
    ("", "synthetic:numa:512", "round trip: synthetic:numa:512 (11.4 MB)", "rt", "", "over 10 MiB"),
    ("", "synthetic:numa:1024 core:16", "round trip: synthetic:numa:1024 core:16", "rt", "", ""),
]


def command(case, vnuma, d):
    name, cmd = case[0], case[1]
    f = os.path.join(d, name) if name else ""
    if case[3] == "rt":
        return None
    if cmd.split()[0] in ("xml", "check", "argv"):
        cmd += " {f}"
    return [vnuma] + cmd.format(f=f, d=d).split()


def run_case(case, vnuma, d, timeout=120):
    """(ok, why) for one case."""
    if case[3] == "rt":
        src = os.path.join(d, case[1].format(f=os.path.join(d, case[0]))) if case[0] else case[1]
        a = subprocess.run([vnuma, "host", "--host", src, "--format", "caps"],
                           capture_output=True, timeout=timeout)
        if a.returncode != 0:
            return False, "writing %s: exit %d: %s" % (src, a.returncode, a.stderr.decode()[:200])
        path = os.path.join(d, "rt.xml")
        with open(path, "wb") as f:
            f.write(a.stdout)
        b = subprocess.run([vnuma, "host", "--host", path, "--format", "caps"],
                           capture_output=True, timeout=timeout)
        if b.returncode != 0:
            return False, "reading back: exit %d: %s" % (b.returncode, b.stderr.decode()[:200])
        if a.stdout != b.stdout:
            return False, "read back differs"
        return True, ""
    try:
        r = subprocess.run(command(case, vnuma, d), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "no answer in %d s" % timeout
    err = r.stderr.decode(errors="replace")
    if r.returncode != case[3]:
        return False, "exit %d, expected %d: %s" % (r.returncode, case[3], err[:300])
    if case[4] not in err:
        return False, "stderr lacks '%s': %s" % (case[4], err[:300])
    return True, ""


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "write":
        write_all(sys.argv[2])
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        import tempfile
        vnuma = sys.argv[2]
        with tempfile.TemporaryDirectory() as tmp:
            d = sys.argv[3] if len(sys.argv) > 3 else tmp
            write_all(d)
            passed = failed = 0
            for case in CASES:
                ok, why = run_case(case, vnuma, d)
                if ok:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s: %s" % (case[2], why))
            print("%d passed, %d failed" % (passed, failed))
            return 1 if failed else 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
