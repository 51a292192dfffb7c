#!/bin/sh
# ledger_bench.sh - how long parsing a placement ledger takes as it grows
# (20,000, 40,000 and 100,000 guests): the parse must stay linear in the
# number of guests.  Prints the figures of this one run; no pass/fail.
#
# usage: bench/ledger_bench.sh [BUILD_DIR] [ROUNDS]   (default build, 3)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
rounds=${2:-3}
bench=$build/tests/ledger_bench
[ -x "$bench" ] || { echo "build first: ninja -C $build"; exit 2; }
echo "== vn_ledger_parse (load: $(cut -d' ' -f1-3 /proc/loadavg))"
for n in 20000 40000 100000; do
    "$bench" "$n" "$rounds" | sed 's/^/  /'
done
