#!/bin/sh
# advise.sh VNUMA GOLDEN_DIR [FIXTURES] - `vnuma advise` end to end: stdout in numad's
# -w format, exit codes (0 advice, 1 does not fit, 2 usage, 3 bad host),
# messages, --explain on stderr, synthetic:SPEC accepted by every --host.
# Expected answers are worked out by hand from the hosts' numbers (see
# tests/unit/test_advisor.c for the reasoning on the same hosts).
set -u
vnuma=$1; dir=$2; fixtures=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
cd "$dir" || exit 99
pass=0; failn=0
out=$(mktemp); err=$(mktemp); tmp=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$tmp"' EXIT

# expect RC STDOUT STDERR-SUBSTRING -- ARGS...
expect() {
    rc=$1; want=$2; werr=$3; shift 4
    "$vnuma" "$@" >"$out" 2>"$err"
    got=$?
    if [ "$got" -ne "$rc" ] || [ "$(cat "$out")" != "$want" ] ||
       { [ -n "$werr" ] && ! grep -qF -- "$werr" "$err"; }; then
        echo "FAIL: vnuma $*: exit $got (want $rc), stdout '$(cat "$out")' (want '$want'), stderr: $(cat "$err")"
        failn=$((failn + 1))
    else
        pass=$((pass + 1))
    fi
}

h8=hosts/8node.xml
# 8 nodes x (4 CPUs, 32768 MiB), all at 21
expect 0 "0" "" -- advise --host $h8 -w 2:214
expect 0 "0-1" "" -- advise --host $h8 -w 5
expect 0 "0-7" "" -- advise --host $h8 --what 32:262144
expect 0 "0-1" "" -- advise --host $h8 -w 1:8192 --hugepages 2M     # 4096 pages of 2048
expect 0 "0-1" "" -- advise --host $h8 -w 1:4097 --hugepages 1G     # 5 pages of 4
expect 0 "0" "" -- advise --host $h8 -w 1:4096 --hugepages 1048576
expect 1 "" "error: no set of host nodes fits: needs 40960 MiB, the host has at most 32768 MiB" \
    -- advise --host synthetic:"numa:2 mem=16G" -w 1:40960
expect 1 "" "short by 8192 MiB" -- advise --host synthetic:"numa:2 mem=16G" -w 1:40960
expect 1 "" "needs 33 CPUs, the host has at most 32 online CPUs on any set of nodes: short by 1" \
    -- advise --host $h8 -w 33
# libvirt-linux-basic: 4 CPUs per node; 1024, 2048, 3072, 4096 MiB; no
# distances (20).  3072: nodes 2 and 3 fit alone, lowest is 2.  5000: no
# node alone; {0,3} and {1,2} have 5120, same distance: lowest ids {0,3}.
b=hosts/libvirt-linux-basic.xml
expect 0 "2" "" -- advise --host $b -w 4:3072
expect 0 "3" "" -- advise --host $b -w 4:4096
expect 0 "0,3" "" -- advise --host $b -w 4:5000
# 9000: no pair (7168 at most); of the triples only {1,2,3} (9216) fits
expect 0 "1-3" "" -- advise --host $b -w 4:9000
expect 0 "0-3" "" -- advise --host $b -w 16:10240
expect 1 "" "short by 1 MiB" -- advise --host $b -w 1:10241
# libvirt-linux-hmat: node 0 has 24 CPUs and 1024 MiB, node 1 is memory
# only (2048 MiB): 2048 MiB needs both
m=hosts/libvirt-linux-hmat.xml
expect 0 "0" "" -- advise --host $m -w 4:512
expect 0 "0-1" "" -- advise --host $m -w 4:2048
expect 1 "" "needs 25 CPUs, the host has at most 24 online CPUs" -- advise --host $m -w 25:1
# no NUMA topology in the capabilities
expect 3 "" "error: the host has no NUMA nodes" -- advise --host hosts/nonuma.xml -w 1
# synthetic: 4 nodes, free 6,6,2,2 GiB, packages {0,1} {2,3}
s="synthetic:package:2 numa:2 core:2 pu:2 mem=8G,8G,4G,4G free=6G*2,2G*2"
expect 0 "0-1" "" -- advise --host "$s" -w 4:8192
expect 0 "0-2" "" -- advise --host "$s" -w 8:13000
expect 0 "0-1" "chosen: 0-1" -- advise --host "$s" -w 4:8192 --explain
expect 0 "0-1" "CPUs of the chosen nodes (libvirt's vCPU affinity): 0-7" -- advise --host "$s" -w 4:8192 --explain
# 64 nodes: a whole package for 64 CPUs, then one more node
s64="synthetic:package:8 numa:8 core:4 pu:2 mem=16G"
expect 0 "0-7" "" -- advise --host "$s64" -w 64:1024
expect 0 "0-8" "" -- advise --host "$s64" -w 72
# usage
expect 2 "" "-w NCPUS[:MB] is required" -- advise --host $h8
expect 2 "" "-w takes NCPUS[:MB]" -- advise --host $h8 -w 0
expect 2 "" "-w takes NCPUS[:MB]" -- advise --host $h8 -w 2:x
expect 2 "" "-w takes NCPUS[:MB]" -- advise --host $h8 -w -2
expect 2 "" "--hugepages takes a page size" -- advise --host $h8 -w 2 --hugepages 3M
expect 2 "" "--hugepages takes a page size" -- advise --host $h8 -w 2 --hugepages 4K
expect 2 "" "unexpected argument" -- advise --host $h8 -w 2 extra
expect 2 "" "advice needs a host" -- advise --host none -w 2
# bad hosts
expect 3 "" "error: synthetic host: 'numa:0': the count must be between 1 and 16384" \
    -- advise --host "synthetic:numa:0" -w 1
expect 3 "" "error:" -- advise --host /nonexistent.xml -w 1
# synthetic hosts are accepted by the other commands too
"$vnuma" host --host "synthetic:numa:2 core:2" --format caps | grep -q "<cells num='2'>" && pass=$((pass + 1)) ||
    { echo "FAIL: vnuma host --format caps on a synthetic host"; failn=$((failn + 1)); }
"$vnuma" host --host "synthetic:numa:2 core:2 dist=10,17" | grep -q "  0:  10  17" && pass=$((pass + 1)) ||
    { echo "FAIL: vnuma host on a synthetic host"; failn=$((failn + 1)); }
expect 3 "" "synthetic host: 'bogus'" -- host --host "synthetic:numa:2 bogus"
expect 0 "" "" -- check --host "synthetic:numa:2 core:4" --hugetlbfs /dev/hugepages2M=2M check/ok-numad.xml
# placement='auto' through the advisor: ok-numad asks 2 vCPUs and 214 MiB;
# a host of 1 CPU per node needs two nodes, a host of 1 node of 100 MiB fails
expect 3 "" "placement='auto': no set of host nodes fits: needs 214 MiB, the host has at most 100 MiB free on any set of nodes: short by 114 MiB" \
    -- check --host "synthetic:numa:1 core:2 mem=100M" check/ok-numad.xml
# libvirt's use of the answer: host-nodes = the advised nodes that have
# memory.  1 CPU per node: 2 vCPUs need nodes 0-1; with node 0 memoryless
# the memory goes to node 1 only.
argv_has() {
    if "$vnuma" argv --host "$1" check/ok-numad.xml 2>"$err" | grep -qF -- "$2"; then
        pass=$((pass + 1))
    else
        echo "FAIL: argv on $1 lacks $2: $(cat "$err")"; failn=$((failn + 1))
    fi
}
argv_has "synthetic:numa:4 core:1 mem=1G" '"host-nodes":[0,1],"policy":"interleave"'
argv_has "synthetic:numa:4 core:1 mem=0,1G*3" '"host-nodes":[1],"policy":"interleave"'
argv_has "synthetic:numa:4 core:2 mem=1G" '"host-nodes":[0],"policy":"interleave"'
# A guest backed by 1 GiB pages (tests/advise/auto-hugepages.xml: 2 vCPUs,
# 4 GiB): free pages count, not free memory.  Free 1,2,4,0: node 2 alone.
# Free 1,2,3,0: no node alone; {0,2} (4) and {1,2} (5) fit, all at 12:
# lowest ids.  Free 1,1,1,0: 3 pages in all, short by 1.
hp() {
    "$vnuma" argv --host "synthetic:numa:4 core:2 mem=16G pages=1G:8 freepages=1G:$1" \
        --hugetlbfs /dev/hugepages1G=1G "$here/auto-hugepages.xml" 2>"$err"
}
if hp 1,2,4,0 | grep -qF '"host-nodes":[2],"policy":"bind"'; then pass=$((pass + 1)); else
    echo "FAIL: hugepage guest on free 1,2,4,0: $(cat "$err")"; failn=$((failn + 1)); fi
if hp 1,2,3,0 | grep -qF '"host-nodes":[0,2],"policy":"bind"'; then pass=$((pass + 1)); else
    echo "FAIL: hugepage guest on free 1,2,3,0: $(cat "$err")"; failn=$((failn + 1)); fi
hp 1,1,1,0 >/dev/null; rc=$?
if [ $rc -eq 3 ] && grep -qF "error: placement='auto': no set of host nodes fits: needs 4 free 1048576 KiB huge pages, the host has at most 3 on any set of nodes: short by 1 pages" "$err"; then
    pass=$((pass + 1)); else echo "FAIL: hugepage guest on free 1,1,1,0: exit $rc: $(cat "$err")"; failn=$((failn + 1)); fi
# A recorded 64-node machine (hwloc's 256ia64-64n2s2c: 4 CPUs per node,
# MemFree 6947 MiB on node 0, 7131 on node 1; nearest nodes at 22), when
# the shared fixtures are beside the tree.  7000 MiB: node 0 is short,
# node 1 fits alone.  14000 MiB: two nodes; node 0 + node 1 (22) = 14078.
fx=$fixtures/hosts/256ia64-64n2s2c.tar.bz2
if [ -n "$fixtures" ] && [ -f "$fx" ] && tar -xjf "$fx" -C "$tmp" 2>/dev/null; then
    expect 0 "1" "" -- advise --host "sysfs:$tmp/256ia64-64n2s2c" -w 4:7000
    expect 0 "0-1" "" -- advise --host "sysfs:$tmp/256ia64-64n2s2c" -w 8:14000
else
    echo "no fixtures in '$fixtures': the recorded 64-node host skipped"
fi
# <hugepages/> without a size: the default size is the first --hugetlbfs
# mount's.  4 GiB = 2048 pages of 2M (only node 3 has 2048 free) or 4 of 1G
# (only node 2 has 4 free).
dflt() {
    "$vnuma" argv --host "synthetic:numa:4 core:2 mem=16G pages=1G:8 freepages=1G:1,2,4,0 pages=2M:4096 freepages=2M:0,0,0,2048" \
        "$@" "$here/auto-hugepages-default.xml" 2>"$err"
}
if dflt --hugetlbfs /dev/hugepages2M=2M --hugetlbfs /dev/hugepages1G=1G | grep -qF '"host-nodes":[3],'; then
    pass=$((pass + 1)); else echo "FAIL: default 2M pages: $(cat "$err")"; failn=$((failn + 1)); fi
if dflt --hugetlbfs /dev/hugepages1G=1G --hugetlbfs /dev/hugepages2M=2M | grep -qF '"host-nodes":[2],'; then
    pass=$((pass + 1)); else echo "FAIL: default 1G pages: $(cat "$err")"; failn=$((failn + 1)); fi
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
