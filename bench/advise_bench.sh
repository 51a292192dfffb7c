#!/bin/sh
# advise_bench.sh - how fast `vnuma advise` answers numad's -w question,
# and how long numad itself takes on this machine.  Prints the figures of
# this one run; no pass/fail.
#
#   * in-process: tests/advise_bench (bench/advise_bench.c) loads a host
#     once and answers many requests (vCPUs 1..all, memory 1 GiB..all,
#     ordinary and huge pages) in a loop: mean and worst per request;
#   * per process: `vnuma advise` run N times (host loading included);
#   * numad: `numad -w NCPUS:MB` once, where Debian's numad is installed
#     (apt-get install numad; it wants root).  Without a running daemon it
#     samples the machine twice, 2 s apart, before answering.
#
# usage: bench/advise_bench.sh [BUILD_DIR] [N]   (default build, 50)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${2:-50}
vnuma=$build/vnuma
inproc=$build/tests/advise_bench
[ -x "$vnuma" ] && [ -x "$inproc" ] || { echo "build first: ninja -C $build"; exit 2; }

ms() { date +%s%N; }

per_process() {   # HOST REQUEST
    t0=$(ms)
    i=0
    while [ $i -lt "$n" ]; do
        "$vnuma" advise --host "$1" -w "$2" >/dev/null 2>&1
        i=$((i + 1))
    done
    t1=$(ms)
    ans=$("$vnuma" advise --host "$1" -w "$2" 2>&1)
    echo "  per process: vnuma advise -w $2 -> $ans: $(( (t1 - t0) / n / 1000 )) us a run ($n runs)"
}

t0=$(ms); i=0
while [ $i -lt "$n" ]; do /bin/true; i=$((i + 1)); done
t1=$(ms)
echo "== baseline: starting /bin/true: $(( (t1 - t0) / n / 1000 )) us a run ($n runs; load: $(cut -d' ' -f1-3 /proc/loadavg))"
for host in "$top/tests/golden/hosts/8node.xml" \
            "synthetic:package:8 numa:8 core:4 pu:2 mem=16G" \
            "synthetic:package:16 numa:8 core:4 pu:2 mem=16G*64,64G*64" \
            "sysfs:/"; do
    echo "== $host"
    "$inproc" "$host" 5 | sed 's/^/  /'
    per_process "$host" 2:1024
    case $host in *numa:8*) per_process "$host" 72:65536 ;; esac
done

echo "== numad on this machine"
if command -v numad >/dev/null 2>&1; then
    t0=$(ms)
    ans=$(numad -w 2:1024 2>&1)
    rc=$?
    t1=$(ms)
    echo "  numad -w 2:1024 -> '$ans' (exit $rc): $(( (t1 - t0) / 1000000 )) ms"
    t0=$(ms)
    ans=$("$vnuma" advise -w 2:1024 2>&1)
    t1=$(ms)
    echo "  vnuma advise -w 2:1024 -> '$ans': $(( (t1 - t0) / 1000 )) us"
else
    echo "  numad not installed (apt-get install numad)"
fi
