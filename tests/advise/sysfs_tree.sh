#!/bin/sh
# sysfs_tree.sh OUT PACKAGES NODES CORES THREADS MIB - write the sysfs tree
# that numad reads (OUT/node, OUT/cpu, and an idle /proc/stat pair
# OUT/stat1, OUT/stat2) for the machine vnuma's synthetic host
# "package:PACKAGES numa:NODES core:CORES pu:THREADS mem=MIBM" describes:
# PACKAGES x NODES nodes of CORES x THREADS CPUs, numbered as vnuma's
# synthetic loader numbers them (node i holds a run of CPUs, a core's
# threads side by side), MIB MiB each (MemFree = MemTotal, no
# Inactive(file): the synthetic host's free memory is its total), and its
# default distances (10 itself, 12 in the package, 21 across).  The
# nodeN folders are made in descending order, so that on a tmpfs they
# list in ascending order (see numad_compare.sh).
#
# For bench/advise_bench.sh and numad_compare.sh --synthetic, to show the
# real numad the hosts vnuma makes up.
set -eu
out=$1; pk=$2; per=$3; cores=$4; thr=$5; mib=$6
nodes=$((pk * per)); pus=$((cores * thr)); ncpu=$((nodes * pus))
mkdir -p "$out/node" "$out/cpu"
seq $((nodes - 1)) -1 0 | sed "s|^|$out/node/node|" | xargs mkdir
echo "0-$((nodes - 1))" >"$out/node/online"
echo "0-$((nodes - 1))" >"$out/node/possible"
echo "0-$((ncpu - 1))" >"$out/cpu/online"
echo "0-$((ncpu - 1))" >"$out/cpu/possible"
echo "0-$((ncpu - 1))" >"$out/cpu/present"
awk -v out="$out" -v nodes="$nodes" -v per="$per" -v pus="$pus" -v thr="$thr" -v mib="$mib" 'BEGIN {
    for (i = 0; i < nodes; i++) {
        d = out "/node/node" i
        printf "%d-%d\n", i * pus, (i + 1) * pus - 1 > (d "/cpulist"); close(d "/cpulist")
        kb = mib * 1024
        printf "Node %d MemTotal: %d kB\nNode %d MemFree: %d kB\nNode %d Inactive(file): 0 kB\n",
            i, kb, i, kb, i > (d "/meminfo"); close(d "/meminfo")
        row = ""
        for (j = 0; j < nodes; j++)
            row = row (j ? " " : "") (i == j ? 10 : int(i / per) == int(j / per) ? 12 : 21)
        print row > (d "/distance"); close(d "/distance")
    }
}'
# every cpuN folder (glibc counts them), cpu0 with its thread siblings
seq 0 $((ncpu - 1)) | sed "s|^|$out/cpu/cpu|" | xargs mkdir
mkdir -p "$out/cpu/cpu0/topology"
awk -v t="$thr" 'BEGIN { v = 0; for (b = 0; b < t; b++) v = v * 2 + 1; printf "%08x\n", v }' \
    >"$out/cpu/cpu0/topology/thread_siblings"
for s in 1 2; do
    awk -v n="$ncpu" -v idle=$((s == 1 ? 1000 : 1001000)) 'BEGIN {
        print "cpu  0 0 0 0 0 0 0 0 0 0"
        for (c = 0; c < n; c++) printf "cpu%d 0 0 0 %d 0 0 0 0 0 0\n", c, idle
        print "intr 0"; print "btime 0" }' >"$out/stat$s"
done
