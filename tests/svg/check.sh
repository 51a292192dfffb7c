#!/bin/sh
# check.sh - render host pictures (vnuma host --format svg, and svg_demo's
# guest overlay) to PNG with rsvg-convert and check them: valid XML (xmllint,
# when present), a PNG of plausible size, and for the overlay the palette
# colours really painted (pnginfo.py).  The PNGs stay in OUTDIR to look at.
#
# usage: check.sh VNUMA SVG_DEMO SRCDIR OUTDIR [FIXTURES]
# FIXTURES: shared/fixtures; some of its recorded hwloc machines (offline
# CPUs, KNL with memory-only MCDRAM nodes, memory tiers, 64 nodes) are
# unpacked and drawn too.
# exit 77 (skipped) when rsvg-convert is missing (Debian: librsvg2-bin).
set -u
VNUMA=$1 DEMO=$2 SRC=$3 OUT=$4 FIXTURES=${5:-}
HERE=$(dirname "$0")
command -v rsvg-convert >/dev/null 2>&1 || { echo "rsvg-convert missing: skipped"; exit 77; }
mkdir -p "$OUT"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# check_png NAME MINW MINH MAXW MAXH
check_png() {
    png="$OUT/$1.png"
    [ -s "$png" ] || { bad "$1: no PNG"; return; }
    # shellcheck disable=SC2046 # "W H" is split on purpose
    set -- "$1" "$2" "$3" "$4" "$5" $(python3 "$HERE/pnginfo.py" "$png")
    [ $# -eq 7 ] || { bad "$1: cannot read $png"; return; }
    if [ "$6" -lt "$2" ] || [ "$7" -lt "$3" ] || [ "$6" -gt "$4" ] || [ "$7" -gt "$5" ]; then
        bad "$1: implausible size $6x$7"
    else
        echo "ok: $png ${6}x$7"
    fi
}

# render NAME: $OUT/NAME.svg -> NAME.png
render() {
    rm -f "$OUT/$1.png"
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$OUT/$1.svg" || bad "$1: not well-formed"
    fi
    rsvg-convert -o "$OUT/$1.png" "$OUT/$1.svg" || bad "$1: rsvg-convert failed"
}

for f in "$SRC"/tests/golden/hosts/*.xml; do
    n=$(basename "$f" .xml)
    "$VNUMA" host --host "$f" --format svg >"$OUT/$n.svg" || { bad "$n: vnuma host failed"; continue; }
    render "$n"
    check_png "$n" 300 50 1700 3000
done

# Synthetic hosts, when the loader is there: a big one must wrap, not grow wide.
if "$VNUMA" host --host "synthetic:package:1 numa:1 core:1 pu:1" >/dev/null 2>&1; then
    "$VNUMA" host --host "synthetic:package:8 numa:8 core:8 pu:2" --format svg >"$OUT/synthetic-64node.svg" &&
        render synthetic-64node && check_png synthetic-64node 600 1000 1700 6000
    size=$(wc -c <"$OUT/synthetic-64node.svg")
    [ "$size" -lt 409600 ] || bad "synthetic-64node: $size bytes"
else
    echo "synthetic hosts not available: not rendered"
fi

# Recorded machines (sysfs trees).
if [ -n "$FIXTURES" ] && [ -d "$FIXTURES/hosts" ] && command -v bzip2 >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for n in offline-cpu0-node0 64intel64-fakeKNL-SNC4-hybrid fakeheteromemtiers 256ia64-64n2s2c; do
        [ -f "$FIXTURES/hosts/$n.tar.bz2" ] || continue
        tar -xjf "$FIXTURES/hosts/$n.tar.bz2" -C "$tmp" || { bad "$n: cannot unpack"; continue; }
        "$VNUMA" host --whole-system --host "sysfs:$tmp/$n" --format svg >"$OUT/$n.svg" || { bad "$n: vnuma host failed"; continue; }
        render "$n"
        check_png "$n" 300 50 1700 4000
    done
    grep -q 'class="pu offline"' "$OUT/offline-cpu0-node0.svg" 2>/dev/null ||
        bad "offline-cpu0-node0: no offline PU drawn"
    [ "$(grep -c 'class="node memonly"' "$OUT/64intel64-fakeKNL-SNC4-hybrid.svg" 2>/dev/null)" = 4 ] ||
        bad "64intel64-fakeKNL-SNC4-hybrid: not 4 memory-only nodes"
else
    echo "no fixtures: recorded machines not drawn"
fi

# The overlay on the 8-node host: cells 0-3 are pinned to CPUs of nodes 0-3,
# so each palette colour must cover a good area of the picture.
"$DEMO" "$SRC/tests/golden/hosts/8node.xml" >"$OUT/8node-overlay.svg" || bad "svg_demo failed"
render 8node-overlay
check_png 8node-overlay 300 50 1700 3000
cols='#1f77b4 #ff7f0e #2ca02c #d62728'
# shellcheck disable=SC2086
plain=$(python3 "$HERE/pnginfo.py" "$OUT/8node.png" $cols | sed 1d | tr '\n' ' ')
# shellcheck disable=SC2086
over=$(python3 "$HERE/pnginfo.py" "$OUT/8node-overlay.png" $cols | sed 1d | tr '\n' ' ')
echo "8node pixels of $cols: without overlay: $plain; with: $over"
for n in $plain; do
    [ "$n" -eq 0 ] || bad "8node: palette colours without an overlay ($plain)"
done
for n in $over; do
    [ "$n" -gt 500 ] || bad "8node-overlay: a cell colour covers only $n pixels ($over)"
done
"$DEMO" "$SRC/tests/golden/hosts/memtier-4node.xml" >"$OUT/memtier-4node-overlay.svg" &&
    render memtier-4node-overlay && check_png memtier-4node-overlay 300 50 1700 3000
exit $fail
