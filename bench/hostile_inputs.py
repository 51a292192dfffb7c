#!/usr/bin/env python3
"""hostile_inputs.py - write the hostile inputs of issue 11 (and their
siblings) into a directory, for bench/hostile_bench and by hand.

usage: bench/hostile_inputs.py DIR

Each input is one file or directory under DIR; `CASES` below lists, for
each, the vnuma command that reads it ({vnuma} and {dir} are filled in)
and what it tests.  Nothing here is timed: hostile_bench does that.
"""
import os
import sys

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
    return (HEAD % (1048576, n)).replace("<vcpu>%d</vcpu>" % n,
                                         "<vcpu placement='static'>%d</vcpu>" % n) + \
        "<cputune>" + pins + "</cputune></domain>"


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


def domain_distances(cells):
    out = []
    for i in range(cells):
        sib = "".join("<sibling id='%d' value='%d'/>" % (j, 10 if i == j else 20)
                      for j in range(cells))
        out.append("<cell id='%d' memory='1024' unit='KiB'><distances>%s</distances></cell>" %
                   (i, sib))
    return HEAD % (cells * 1024, 1) + "<cpu><numa>" + "".join(out) + "</numa></cpu></domain>"


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
    "distances-128.xml": lambda: domain_distances(128),
    "nsdecls-65.xml": lambda: domain_nsdecls(65),
    "hugepages-16384.xml": lambda: domain_hugepages(16384),
    "utf16-attrs.xml": domain_utf16,
    "attlist-50k.xml": domain_attlist,
}

# (file, command, what): the command's output is thrown away; hostile_bench
# prints its exit status, time and peak RSS.
CASES = [
    ("cells-100k.xml", "{vnuma} xml {f}", "100,000 cells without cpus"),
    ("cells-200k.xml", "{vnuma} xml {f}", "200,000 cells without cpus"),
    ("cells-1024-cpus.xml", "{vnuma} xml {f}", "1,024 cells with cpus (the most accepted)"),
    ("cells-1025.xml", "{vnuma} xml {f}", "1,025 cells"),
    ("attrs-40k.xml", "{vnuma} xml {f}", "40,000 attributes on <domain>"),
    ("attrs-200k.xml", "{vnuma} xml {f}", "200,000 attributes on <domain>"),
    ("empty-9.9M.xml", "{vnuma} xml {f}", "9.9 MB of empty elements"),
    ("vcpupin-16384.xml", "{vnuma} xml {f}", "16,384 vCPUs, each pinned"),
    ("iothreads-16384.xml", "{vnuma} xml {f}", "16,384 iothread ids"),
    ("iothreads-60k.xml", "{vnuma} xml {f}", "60,000 iothread ids"),
    ("interconnects-30k.xml", "{vnuma} xml {f}", "30,000 latencies between 200 cells"),
    ("distances-128.xml", "{vnuma} xml {f}", "128 cells, all distances"),
    ("nsdecls-65.xml", "{vnuma} xml {f}", "65 namespace declarations"),
    ("hugepages-16384.xml", "{vnuma} xml {f}", "16,384 huge page sizes, a <vnuma> guest"),
    ("utf16-attrs.xml", "{vnuma} xml {f}", "UTF-16, 200,000 attributes"),
    ("attlist-50k.xml", "{vnuma} xml {f}", "<!ATTLIST> of 50,000 defaults"),
]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, make in DOMAINS.items():
        data = make()
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(os.path.join(out, name), mode) as f:
            f.write(data)


if __name__ == "__main__":
    main()
