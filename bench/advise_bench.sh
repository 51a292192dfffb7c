#!/bin/sh
# advise_bench.sh - how fast `vnuma advise` answers numad's -w question, from
# 8 to 1,024 nodes, and how long numad itself takes on the same hosts, in
# one run.  Prints the figures of this run (and the load average: the
# machine may be shared); no pass/fail.
#
#   * in-process: tests/advise_bench (bench/advise_bench.c) loads a host
#     once and answers many requests (vCPUs 1..all, memory 1 GiB..all,
#     ordinary and huge pages) in a loop: median and slowest request, the
#     fastest of 3 rounds each, for numad's rule (the default) and, up to
#     256 nodes, the smallest-set rule;
#   * per process: `vnuma advise` run N times (host loading included);
#   * numad: where Debian's numad is installed and we are root, the real
#     `numad -w` on the same synthetic host, shown to it as a sysfs tree in
#     a private mount namespace (tests/advise/numad_compare.sh --synthetic,
#     which also says whether it agrees); without a daemon numad samples
#     the machine twice, 2 s apart, before answering;
#   * this machine: `numad -w 2:1024` against `vnuma advise -w 2:1024`
#     (which samples the CPU load for 200 ms by default; --sample-ms 0 too).
#
# usage: bench/advise_bench.sh [BUILD_DIR] [N]   (default build, 20)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${2:-20}
vnuma=$build/vnuma
inproc=$build/tests/advise_bench
[ -x "$vnuma" ] && [ -x "$inproc" ] || { echo "build first: ninja -C $build"; exit 2; }
have_numad=
command -v numad >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && have_numad=1

ms() { date +%s%N; }

per_process() {   # HOST REQUEST
    t0=$(ms)
    i=0
    while [ $i -lt "$n" ]; do
        "$vnuma" advise --host "$1" -w "$2" >/dev/null 2>&1
        i=$((i + 1))
    done
    t1=$(ms)
    ans=$("$vnuma" advise --host "$1" -w "$2" 2>/dev/null)
    echo "  per process: vnuma advise -w $2 -> $ans: $(( (t1 - t0) / n / 1000 )) us a run ($n runs)"
}

echo "== $(date -u '+%Y-%m-%d %H:%M') on $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(ms); i=0
while [ $i -lt "$n" ]; do /bin/true; i=$((i + 1)); done
t1=$(ms)
echo "== baseline: starting /bin/true: $(( (t1 - t0) / n / 1000 )) us a run ($n runs)"
# "P N C T MIB": package:P numa:N core:C pu:T mem=MIBM
for shape in "2 4 4 2 16384" "8 8 4 2 16384" "64 4 4 2 16384" "256 4 4 2 16384"; do
    set -- $shape
    host="synthetic:package:$1 numa:$2 core:$3 pu:$4 mem=$5M"
    nodes=$(( $1 * $2 )); cpus=$(( nodes * $3 * $4 ))
    big="$(( cpus / 16 )):$(( nodes * $5 / 32 ))"
    echo "== $nodes nodes: $host"
    "$inproc" "$host" 3 | sed 's/^/  /'
    # the smallest-set rule grows a set from every node: seconds a request
    # at 1,024 nodes, so only up to 256
    [ "$nodes" -le 256 ] && "$inproc" "$host" 3 smallest | sed -n 's/^in-process/  in-process/p'
    per_process "$host" 2:1024
    per_process "$host" "$big"
    if [ -n "$have_numad" ]; then
        "$top/tests/advise/numad_compare.sh" --vnuma "$vnuma" --synthetic "$shape" \
            --requests "2:1024 $big" 2>&1 | sed -n 's/^synthetic[^ ]* *\([^ ]*\) *numad \([^ ]*\) .*vnuma \([^ ]*\) *\([a-zA-Z ]*\) (numad \([0-9]*\) ms).*/  numad -w \1 -> \2: \5 ms (vnuma: \3, \4)/p'
    else
        echo "  numad: not run (needs root, unshare and numad: apt-get install numad)"
    fi
done
echo "== an unequal 1,024-node host (half the nodes 16 GiB, half 64 GiB)"
"$inproc" "synthetic:package:128 numa:8 core:4 pu:2 mem=16G*512,64G*512" 3 | sed 's/^/  /'
echo "== $top/tests/golden/hosts/8node.xml"
"$inproc" "$top/tests/golden/hosts/8node.xml" 5 | sed 's/^/  /'
per_process "$top/tests/golden/hosts/8node.xml" 2:1024

echo "== this machine"
if command -v numad >/dev/null 2>&1; then
    t0=$(ms)
    ans=$(numad -w 2:1024 2>&1)
    rc=$?
    t1=$(ms)
    echo "  numad -w 2:1024 -> '$ans' (exit $rc): $(( (t1 - t0) / 1000000 )) ms"
else
    echo "  numad not installed (apt-get install numad)"
fi
for s in 200 0; do
    t0=$(ms)
    ans=$("$vnuma" advise -w 2:1024 --sample-ms $s 2>&1)
    t1=$(ms)
    echo "  vnuma advise -w 2:1024 --sample-ms $s -> '$ans': $(( (t1 - t0) / 1000 )) us"
done
