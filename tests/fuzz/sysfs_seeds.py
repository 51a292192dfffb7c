#!/usr/bin/env python3
"""sysfs_seeds.py - write tests/fuzz/sysfs-seeds: directory images in
fuzz_sysfs.c's text format (see its header), from the recorded trees of
../shared/fixtures (libvirt's test trees and a few real machines, the
files the loader reads only) and issue 11's reproducers.

usage: tests/fuzz/sysfs_seeds.py [FIXTURES]   (default ../shared/fixtures)
"""
import os
import re
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sysfs-seeds")
# what host_sysfs.c reads, below the devices/system folder
KEEP = re.compile(r"(node/(online|possible|node\d+/(cpulist|cpumap|meminfo|distance|"
                  r"hugepages/hugepages-\d+kB/(nr|free)_hugepages))|"
                  r"cpu/cpu\d+/(online|topology/(physical_package_id|die_id|core_id|"
                  r"thread_siblings_list|thread_siblings)))$")


def image_of_tar(path, limit=60000):
    out, base = [], None
    with tarfile.open(path) as t:
        for m in t.getmembers():
            i = m.name.find("devices/system/")
            j = m.name.find("/system/")
            if i >= 0:
                rel, prefix = m.name[i + len("devices/system/"):], "sys/devices/system/"
            elif j >= 0:
                rel, prefix = m.name[j + len("/system/"):], "system/"
            else:
                continue
            if not m.isfile() or not KEEP.match(rel):
                continue
            data = t.extractfile(m).read().decode(errors="replace")
            if not data.endswith("\n"):
                data += "\n"
            out.append("@%s%s\n%s" % (prefix, rel, data))
    text = "".join(sorted(out))
    return text[:limit]


def put(name, text):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(text)


def node(n, cpus, mem="8388608", extra=""):
    s = "@sys/devices/system/node/node%d/cpulist\n%s\n" % (n, cpus)
    s += "@sys/devices/system/node/node%d/meminfo\nNode %d MemTotal: %s kB\nNode %d MemFree: 1000 kB\n" % (
        n, n, mem, n)
    return s + extra


def main():
    fixtures = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared",
                                                                 "fixtures")
    os.makedirs(OUT, exist_ok=True)
    for d in ("libvirt-sysfs", "hosts"):
        p = os.path.join(fixtures, d)
        for f in sorted(os.listdir(p)) if os.path.isdir(p) else []:
            if f.endswith(".tar.bz2") and os.path.getsize(os.path.join(p, f)) < 40000:
                img = image_of_tar(os.path.join(p, f))
                if img:
                    put("fixture-" + f[:-len(".tar.bz2")], img)
    put("two-nodes", node(0, "0-1") + node(1, "2-3") +
        "@sys/devices/system/node/node0/distance\n10 20\n@sys/devices/system/node/node1/distance\n20 10\n"
        "@sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\n16\n"
        "@sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages\n8\n"
        "@sys/devices/system/cpu/cpu1/online\n0\n"
        "@sys/devices/system/cpu/cpu2/topology/thread_siblings_list\n2-3\n")
    put("no-numa", "@sys/devices/system/cpu/cpu0/online\n1\n@dir sys/devices/system/cpu/cpu1\n"
        "@proc/meminfo\nMemTotal: 4194304 kB\nMemFree: 1000 kB\n")
    put("cpumap", "@system/node/node0/cpumap\n0000000f\n@system/node/node0/meminfo\n"
        "Node 0 MemTotal: 1024 kB\n")
    # issue 11
    put("issue11-node-ids", "@dir sys/devices/system/node/node0\n@dir sys/devices/system/node/node1023\n"
        "@dir sys/devices/system/node/node1024\n@dir sys/devices/system/node/node16383\n")
    put("issue11-fifo-meminfo", "@sys/devices/system/node/node0/cpulist\n0\n"
        "@fifo sys/devices/system/node/node0/meminfo\n")
    put("issue11-zero-cpulist", "@chr sys/devices/system/node/node0/cpulist\n")
    put("issue11-cpu-two-nodes", node(0, "0-1") + node(1, "1-2"))
    put("issue11-memtotal-max", node(0, "0", mem="18446744073709551615"))
    put("issue11-hugepages-max", node(0, "0",
        extra="@sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\n"
              "18446744073709551615\n"))
    put("issue11-hugepages-twice", node(0, "0",
        extra="@sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\n1\n"
              "@sys/devices/system/node/node0/hugepages/hugepages-02048kB/nr_hugepages\n1\n"))
    put("links", node(0, "0") + "@link sys/devices/system/node/node1 node0\n"
        "@link sys/devices/system/node/node2/meminfo /r/sys/devices/system/node/node0/meminfo\n")


if __name__ == "__main__":
    main()
