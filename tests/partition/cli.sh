#!/bin/sh
# tests/partition/cli.sh VNUMA SRCDIR - `vnuma partition` end to end.
#
# Converts tests/guest/domains/four-asym.xml (four explicit cells, memnodes,
# distances, a 3x2 topology, 6 vCPUs, 1280 MiB) into a <vnuma> domain on
# tests/golden/hosts/smt-2node.xml, and checks the text against what the
# rules of issue 5 give, worked out by hand below; then the option errors.
set -u
vnuma=$1; src=$2
dom=$src/tests/guest/domains/four-asym.xml
host=$src/tests/golden/hosts/smt-2node.xml
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
pass=0; failed=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
has() { grep -qF -- "$2" "$1" || bad "$3: lacks $2"; }
lacks() { ! grep -qF -- "$2" "$1" || bad "$3: still has $2"; }

# 1. the <vnuma> domain: the old layout gone, <vnuma> in its place, <memory> kept
if "$vnuma" partition --host "$host" --mode node --distribution siblings --cells 2 \
        --nodeset 1 "$dom" >"$out" 2>"$err"; then
    ok
    has "$out" "<vnuma mode='node' distribution='siblings'>" partition
    has "$out" "<partition nodeset='1' cells='2'/>" partition
    has "$out" "<memory unit='KiB'>1310720</memory>" partition
    for x in "<numa>" "<numatune>" "<topology" "<memnode" "<cpu>"; do lacks "$out" "$x" partition; done
    # a warning: node 1 has 4 CPUs for the 6 vCPUs
    has "$err" "warning: vnuma: host node 1 has 4 CPUs for 6 vCPUs" partition
else
    bad "partition refused: $(cat "$err")"
fi

# 2. --expand: 6 vCPUs = 3 guest cores of 2 threads; 2 cells both on node 1
# (floor(i*1/2) = 0); cell 0 = cores 0,1 = vCPUs 0-3, cell 1 = core 2 = 4-5;
# 3 cores do not divide by 2: sockets 3 x cores 1 x threads 2.  Node 1's cores
# {2,6} {3,7}: vCPU 0->2 1->6 2->3 3->7; cell 1's core 0 -> {2,6}: 4->2 5->6.
# 1310720 KiB / 2 = 655360 KiB (640 MiB) per cell; distance 11 between them.
if "$vnuma" partition --host "$host" --mode node --distribution siblings --cells 2 \
        --nodeset 1 --expand "$dom" >"$out" 2>"$err"; then
    ok
    has "$out" "<topology sockets='3' dies='1' cores='1' threads='2'/>" expand
    has "$out" "<cell id='0' cpus='0-3' memory='655360' unit='KiB'>" expand
    has "$out" "<cell id='1' cpus='4-5' memory='655360' unit='KiB'>" expand
    has "$out" "<sibling id='1' value='11'/>" expand
    for p in 0:2 1:6 2:3 3:7 4:2 5:6; do
        has "$out" "<vcpupin vcpu='${p%:*}' cpuset='${p#*:}'/>" expand
    done
    has "$out" "<memnode cellid='1' mode='strict' nodeset='1'/>" expand
    lacks "$out" "<vnuma" expand
else
    bad "partition --expand refused: $(cat "$err")"
fi

# 3. partition then xml --expand = partition --expand
a=$("$vnuma" partition --host "$host" --mode host --distribution interleave "$dom" 2>/dev/null |
    "$vnuma" xml --expand --host "$host" - 2>/dev/null)
b=$("$vnuma" partition --host "$host" --mode host --distribution interleave --expand "$dom" 2>/dev/null)
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "partition | xml --expand differs from partition --expand"

# 3b. the domain from standard input, and a synthetic host (the --host
# sources every command takes)
a=$("$vnuma" partition --host "$host" --mode host - <"$dom" 2>/dev/null)
b=$("$vnuma" partition --host "$host" --mode host "$dom" 2>/dev/null)
[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "partition - (standard input) differs from partition FILE"
"$vnuma" partition --host 'synthetic:package:1 numa:2 core:2 pu:2 mem=4G' --mode host --expand \
    "$dom" >"$out" 2>"$err" && ok || bad "synthetic host refused: $(cat "$err")"
has "$out" "<memnode cellid='1' mode='strict' nodeset='1'/>" synthetic
# standard input that cannot be read (a directory) is an I/O error, exit 3
"$vnuma" partition --host "$host" --mode host - </ >/dev/null 2>"$err"
[ $? -eq 3 ] && ok || bad "unreadable standard input: exit status"
has "$err" "error: cannot read the domain from standard input: Is a directory" stdin-error
# and one over the 10 MiB limit is refused as a file that size is, exit 1
head -c 11000000 /dev/zero | "$vnuma" partition --host "$host" --mode host - >/dev/null 2>"$err"
[ $? -eq 1 ] && ok || bad "oversized standard input: exit status"
has "$err" "error: standard input is larger than the limit of 10485760 bytes" stdin-size

# 4. refusals and usage
"$vnuma" partition --host "$host" --mode node --nodeset 5 "$dom" >/dev/null 2>"$err"
[ $? -eq 3 ] && ok || bad "nodeset 5: exit status"
has "$err" "error: unsupported configuration: vnuma: host node 5 of the partition nodeset does not exist" nodeset
for args in "--mode host --cells 2" "--mode bogus" "--distribution siblings" "--mode node --cells 0"; do
    # shellcheck disable=SC2086
    "$vnuma" partition --host "$host" $args "$dom" >/dev/null 2>&1
    [ $? -eq 2 ] && ok || bad "'$args': not a usage error"
done
"$vnuma" partition --help >"$out" 2>&1 && grep -q "usage: vnuma partition" "$out" && ok || bad "--help"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
