#!/bin/sh
# svg.sh VNUMA PLAN_DIR svg/NAME.args [OUTDIR] - run one golden case of
# `vnuma plan --format svg`.
#
# Beside svg/NAME.args (the arguments after `plan --format svg`, shell-quoted
# on one line, the domain last; relative paths are taken from PLAN_DIR; a
# --format there overrides svg):
#   NAME.ledger  optional: the ledger before the run, given with --ledger
#                (a temporary copy); after the run it must be the same as
#                after `--format xml` with the same arguments on another copy
#   NAME.svg     expected stdout (exit 0), byte for byte (the renderer is
#                deterministic); the picture is also checked against the
#                resolved domain (`--format xml`) by svg_check.py: well-formed,
#                a legend entry per cell, each cell marked on its nodes, the
#                PUs of pinned host CPUs in the colour of the vCPU's cell;
#                with OUTDIR and rsvg-convert, rendered to OUTDIR/NAME.png and
#                every cell's colour must be painted
#   NAME.err     expected stderr (exit 1), instead of NAME.svg; nothing on
#                stdout, the ledger unchanged
set -u
vnuma=$1; dir=$2; case_args=$3; outdir=${4:-}
cd "$dir" || exit 99
base=${case_args%.args}
name=$(basename "$base")
eval "set -- $(cat "$case_args")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $case_args: $*"; exit 1; }
ledger_opt() {   # ledger_opt COPY: a fresh copy of NAME.ledger, and the option
    if [ -f "$base.ledger" ]; then
        cp "$base.ledger" "$tmp/$1"
        echo "--ledger $tmp/$1"
    fi
}

# shellcheck disable=SC2046
"$vnuma" plan --format svg $(ledger_opt ledger) "$@" >"$tmp/out.svg" 2>"$tmp/err"
rc=$?
[ $rc -lt 128 ] || fail "crashed (exit $rc)"
if [ -f "$base.err" ]; then
    [ $rc -eq 1 ] || fail "exit $rc, expected 1: $(cat "$tmp/err")"
    # --format json: the error object as the lines of the text form
    python3 "$(dirname "$0")/../cli/json-error-lines" <"$tmp/err" | sed "s|$tmp/||g" >"$tmp/err.n"
    diff -u "$base.err" "$tmp/err.n" || fail "message differs"
    [ ! -s "$tmp/out.svg" ] || fail "printed a picture while refusing"
    if [ -f "$base.ledger" ]; then
        cmp -s "$base.ledger" "$tmp/ledger" || fail "a refused plan changed the ledger"
    fi
    echo "ok $case_args"
    exit 0
fi
[ $rc -eq 0 ] || fail "exit $rc: $(cat "$tmp/err")"
diff -u "$base.svg" "$tmp/out.svg" >"$tmp/diff" || fail "picture differs: $(head -40 "$tmp/diff")"
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$tmp/out.svg" || fail "not well-formed (xmllint)"
fi

# the same placement as XML: the reference for the picture, and for the ledger
# shellcheck disable=SC2046
"$vnuma" plan --format xml $(ledger_opt ledger.xml) "$@" >"$tmp/out.xml" 2>"$tmp/err" ||
    fail "--format xml: exit $?: $(cat "$tmp/err")"
python3 svg_check.py "$tmp/out.xml" "$tmp/out.svg" || fail "picture does not match the plan"
if [ -f "$base.ledger" ]; then
    grep -q "^guest " "$tmp/ledger" || fail "ledger not written"
    diff -u "$tmp/ledger.xml" "$tmp/ledger" || fail "--format svg recorded another ledger than --format xml"
fi

# rendered: each cell's colour must be painted (the legend swatch at least)
if [ -n "$outdir" ] && command -v rsvg-convert >/dev/null 2>&1; then
    mkdir -p "$outdir"
    rsvg-convert -o "$outdir/$name.png" "$tmp/out.svg" || fail "rsvg-convert failed"
    ncells=$(grep -c 'class="legend-cell"' "$tmp/out.svg")
    cols=$(python3 - "$ncells" <<'PY'
import sys
p = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
     "#e377c2", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a"]
print(" ".join(p[:min(int(sys.argv[1]), len(p))]))
PY
)
    # shellcheck disable=SC2086
    counts=$(python3 ../svg/pnginfo.py "$outdir/$name.png" $cols | sed 1d | tr '\n' ' ')
    for n in $counts; do
        [ "$n" -ge 100 ] || fail "$outdir/$name.png: a cell colour covers only $n pixels ($cols: $counts)"
    done
    echo "rendered $outdir/$name.png ($cols: $counts)"
fi
echo "ok $case_args"
