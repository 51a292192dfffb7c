#!/bin/sh
# cpuset.sh VNUMA FIXTURES - discovery that honours the caller's cpuset, as
# hwloc does, and --whole-system that shows and uses everything.
#   - the recorded tree 32amd64-4s2n4c-cgroup2 (hwloc's test dump): its
#     /proc/self/cpuset names /uid_2008/job_15389/step_0 of the cgroup2
#     mount /cgroup/unified (proc/mounts), whose cpuset.cpus.effective and
#     cpuset.mems.effective say 0-5.  hwloc's reading beside it
#     (.hwloc-output) keeps NUMANodes P#0-5 and PUs P#0-5 (0-3 in node 0,
#     4-5 in node 1) and says "26 processors not represented"; the tree
#     itself has node0..node7 and 32 CPUs (4 per node);
#   - a domain asking for node 6: vnuma's own error naming the node, the
#     set, the file and the element; node 9 (absent): libvirt's message;
#   - this machine's cpuset read under VNUMA_CONFIG_ROOT (cgroup v2 at the
#     standard place, v1 found through proc/mounts), so the test does not
#     depend on the machine's own cgroup.
set -u
vnuma=$1
fixtures=${2:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL cpuset: $*"; exit 1; }
tarball=$fixtures/hosts/32amd64-4s2n4c-cgroup2.tar.bz2
[ -f "$tarball" ] || { echo "no fixtures in '$fixtures': skipped"; exit 77; }
tar -xjf "$tarball" -C "$T" || fail "cannot unpack $tarball"
tree=$T/32amd64-4s2n4c-cgroup
H=sysfs:$tree

out=$("$vnuma" host --host "$H") || fail "host: exit $?"
echo "$out" | grep -qx 'available: 6 nodes (0-5)' || fail "restricted: $(echo "$out" | head -1)"
echo "$out" | grep -qx 'node 0 cpus: 0 1 2 3' || fail "node 0: $(echo "$out" | grep 'node 0 cpus')"
echo "$out" | grep -qx 'node 1 cpus: 4 5' || fail "node 1: $(echo "$out" | grep 'node 1 cpus')"
echo "$out" | grep -qx 'node 2 cpus:' || fail "node 2 keeps no CPU: $(echo "$out" | grep 'node 2 cpus')"
n=$(echo "$out" | grep 'cpus:' | sed 's/.*cpus://' | wc -w)
[ "$n" = 6 ] || fail "restricted: $n CPUs, hwloc 6 PUs"
out=$("$vnuma" host --whole-system --host "$H") || fail "host --whole-system: exit $?"
echo "$out" | grep -qx 'available: 8 nodes (0-7)' || fail "whole: $(echo "$out" | head -1)"
n=$(echo "$out" | grep 'cpus:' | sed 's/.*cpus://' | wc -w)
[ "$n" = 32 ] || fail "whole: $n CPUs, the tree 32"
# JSON says what the cpuset restricted (by hand: 26 = 32 - 6 CPUs)
"$vnuma" host --host "$H" --format json | grep -F '"cpuset": {"cpus": "0-5", ' | grep -F '"outside_mems": "6-7", "hidden_cpus": 26}' >/dev/null ||
    fail "json: $("$vnuma" host --host "$H" --format json | grep cpuset)"
"$vnuma" host --whole-system --host "$H" --format json | grep -q '"cpuset"' && fail "json --whole-system: a cpuset"
# the JSON and caps formats read the same host
"$vnuma" host --host "$H" --format caps | grep -c "<cell id=" | grep -qx 6 || fail "caps: not 6 cells"

cat >"$T/d.xml" <<'XML'
<domain type='kvm'>
  <name>d</name>
  <memory unit='KiB'>2097152</memory>
  <vcpu placement='static'>2</vcpu>
  <numatune><memory mode='strict' nodeset='0'/><memnode cellid='0' mode='strict' nodeset='NODES'/></numatune>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0-1' memory='2097152' unit='KiB'/></numa></cpu>
</domain>
XML
sed 's/NODES/5-6/' "$T/d.xml" >"$T/d6.xml"
sed 's/NODES/9/' "$T/d.xml" >"$T/d9.xml"
sed 's/NODES/5/' "$T/d.xml" >"$T/d5.xml"
file=$tree/cgroup/unified/uid_2008/job_15389/step_0/cpuset.mems.effective
want="error: host NUMA node 6 is outside this process's cpuset.mems 0-5 ($file) (in <numatune><memnode cellid='0' nodeset='5-6'>)"
for cmd in check argv; do
    "$vnuma" $cmd --host "$H" "$T/d6.xml" >/dev/null 2>"$T/err"; rc=$?
    [ $rc = 3 ] || fail "$cmd node 6: exit $rc, want 3"
    [ "$(cat "$T/err")" = "$want" ] || fail "$cmd node 6: $(cat "$T/err")"
    "$vnuma" $cmd --whole-system --host "$H" "$T/d6.xml" >/dev/null 2>"$T/err" ||
        fail "$cmd --whole-system node 6: $(cat "$T/err")"
    "$vnuma" $cmd --host "$H" "$T/d5.xml" >/dev/null 2>"$T/err" || fail "$cmd node 5: $(cat "$T/err")"
    "$vnuma" $cmd --host "$H" "$T/d9.xml" >/dev/null 2>"$T/err"; rc=$?
    [ $rc = 3 ] || fail "$cmd node 9: exit $rc"
    [ "$(cat "$T/err")" = "error: unsupported configuration: NUMA node 9 is unavailable (in <numatune><memnode cellid='0' nodeset='9'>)" ] ||
        fail "$cmd node 9: $(cat "$T/err")"
done

# This machine, its cpuset read under VNUMA_CONFIG_ROOT.  Whatever the
# machine's CPUs, the cpuset "0" leaves CPU 0 alone in its node.
[ -d /sys/devices/system/node/node0 ] || { echo "no node0 here: live part skipped"; exit 0; }
v2=$T/v2
mkdir -p "$v2/proc/self" "$v2/sys/fs/cgroup/pod"
echo '0::/pod' >"$v2/proc/self/cgroup"
echo 0-1023 >"$v2/sys/fs/cgroup/cpuset.cpus.effective"
echo 0 >"$v2/sys/fs/cgroup/pod/cpuset.cpus.effective"
echo 0 >"$v2/sys/fs/cgroup/pod/cpuset.mems.effective"
out=$(VNUMA_CONFIG_ROOT=$v2 "$vnuma" host) || fail "live v2: exit $?"
echo "$out" | grep -qx 'node 0 cpus: 0' || fail "live v2: $(echo "$out" | grep 'node 0 cpus')"
out=$(VNUMA_CONFIG_ROOT=$v2 "$vnuma" host --whole-system) || fail "live v2 whole: exit $?"
want=$(sed 's/,/ /g' /sys/devices/system/node/node0/cpulist)
case $want in *-*) want='';; esac   # a range: only the restricted line is checked
[ -z "$want" ] || echo "$out" | grep -qx "node 0 cpus: $want" || fail "live whole: $(echo "$out" | grep 'node 0 cpus')"
# v1 through proc/mounts, cpuset.effective_cpus winning over cpuset.cpus
v1=$T/v1
mkdir -p "$v1/proc/self" "$v1/cg/cpuset/job"
echo 'cgroup /cg/cpuset cgroup rw,nosuid,cpuset 0 0' >"$v1/proc/mounts"
printf '4:memory:/other\n3:cpuset:/job\n0::/\n' >"$v1/proc/self/cgroup"
echo 0 >"$v1/cg/cpuset/job/cpuset.effective_cpus"
echo 0-1023 >"$v1/cg/cpuset/job/cpuset.cpus"
echo 0 >"$v1/cg/cpuset/job/cpuset.effective_mems"
out=$(VNUMA_CONFIG_ROOT=$v1 "$vnuma" host) || fail "live v1: exit $?"
echo "$out" | grep -qx 'node 0 cpus: 0' || fail "live v1: $(echo "$out" | grep 'node 0 cpus')"
# node 0 outside the memory nodes: kept for its CPUs, with no memory
echo 1 >"$v1/cg/cpuset/job/cpuset.effective_mems"
out=$(VNUMA_CONFIG_ROOT=$v1 "$vnuma" host) || fail "live v1 mems 1: exit $?"
echo "$out" | grep -qx 'node 0 size: 0 MB' || fail "live v1 mems 1: $(echo "$out" | grep 'node 0 size')"
# an unparsable set names its file
echo garbage >"$v1/cg/cpuset/job/cpuset.effective_cpus"
VNUMA_CONFIG_ROOT=$v1 "$vnuma" host >/dev/null 2>"$T/err"; rc=$?
[ $rc = 3 ] || fail "garbage: exit $rc"
grep -q "cg/cpuset/job/cpuset.effective_cpus" "$T/err" || fail "garbage: $(cat "$T/err")"
echo "ok cpuset"
