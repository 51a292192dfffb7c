#!/bin/sh
# plan.sh VNUMA PLAN_DIR cases/NAME.xml - run one golden case of `vnuma plan`.
#
# Beside cases/NAME.xml (the domain):
#   NAME.opts    the options (one line, shell-quoted; --host, --strategy,
#                ...; relative paths are taken from PLAN_DIR)
#   NAME.ledger  optional: the ledger before the run (copied to a temporary
#                file given with --ledger), so nodes can be made busy
#   NAME.json    expected stdout of `--format json` (exit 0); the case then
#                also runs `--format xml` (against a fresh copy of the
#                ledger) and `vnuma check` of that XML on the same host must
#                accept it; with NAME.out.xml that XML must match it too
#   NAME.err     expected stderr (exit 1), instead of NAME.json
# The expected placements are reasoned by hand in cases/README.
set -u
vnuma=$1; dir=$2; case_xml=$3
cd "$dir" || exit 99
base=${case_xml%.xml}
# the options file may quote (synthetic:SPEC holds spaces)
eval "set -- $(cat "$base.opts")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $case_xml: $*"; exit 1; }
ledger_opt() {
    if [ -f "$base.ledger" ]; then
        cp "$base.ledger" "$tmp/ledger"
        echo "--ledger $tmp/ledger"
    fi
}

# shellcheck disable=SC2046
"$vnuma" plan "$@" $(ledger_opt) --format json "$case_xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -lt 128 ] || fail "crashed (exit $rc)"
if [ -f "$base.err" ]; then
    [ $rc -eq 1 ] || fail "exit $rc, expected 1: $(cat "$tmp/err")"
    # --format json: the error object as the lines of the text form
    python3 "$(dirname "$0")/../cli/json-error-lines" <"$tmp/err" | sed "s|$tmp/||g" >"$tmp/err.n"   # the ledger's temporary path
    diff -u "$base.err" "$tmp/err.n" || fail "message differs"
    [ ! -s "$tmp/out" ] || fail "printed a plan while refusing"
    if [ -f "$base.ledger" ]; then
        cmp -s "$base.ledger" "$tmp/ledger" || fail "a refused plan changed the ledger"
    fi
    echo "ok $case_xml"
    exit 0
fi
[ $rc -eq 0 ] || fail "exit $rc: $(cat "$tmp/err")"
diff -u "$base.json" "$tmp/out" || fail "plan differs"
if [ -f "$base.ledger" ]; then
    grep -q "^guest " "$tmp/ledger" || fail "ledger not written"
fi

# shellcheck disable=SC2046
"$vnuma" plan "$@" $(ledger_opt) --format xml "$case_xml" >"$tmp/out.xml" 2>"$tmp/err" ||
    fail "--format xml: exit $?: $(cat "$tmp/err")"
if [ -f "$base.out.xml" ]; then
    diff -u "$base.out.xml" "$tmp/out.xml" || fail "XML differs"
fi
# check takes --host and --hugetlbfs from the same options
host=; huge=
while [ $# -gt 0 ]; do
    case $1 in
    --host) host=$2; shift ;;
    --hugetlbfs) huge="$huge --hugetlbfs $2"; shift ;;
    esac
    shift
done
# shellcheck disable=SC2086
"$vnuma" check --host "$host" $huge "$tmp/out.xml" 2>"$tmp/err" || fail "the plan's XML fails check: $(cat "$tmp/err")"
echo "ok $case_xml"
