#!/bin/sh
# golden.sh VNUMA GOLDEN_DIR CASE.xml - run one golden case.
#
# The folder a case sits in says what is run; the expected output sits
# beside the input under the same name:
#   xml/NAME.xml     `vnuma xml`                  -> NAME.out.xml (stdout, exit 0)
#   check/NAME.xml   `vnuma check`                -> NAME.err (stderr, exit != 0),
#                                                    or exit 0 when there is no NAME.err
#   argv/NAME.xml    `vnuma argv`                 -> NAME.args (stdout, exit 0)
#   expand/NAME.xml  `vnuma xml --expand`         -> NAME.out.xml
# NAME.opts, when present, holds extra options (one line; relative paths are
# taken from GOLDEN_DIR).  Without one, check and argv use
# --host hosts/8node.xml --hugetlbfs /dev/hugepages2M=2M --hugetlbfs /dev/hugepages1G=1G.
set -u
vnuma=$1; dir=$2; case_xml=$3
cd "$dir" || exit 99
kind=${case_xml%%/*}
base=${case_xml%.xml}
opts="--host hosts/8node.xml --hugetlbfs /dev/hugepages2M=2M --hugetlbfs /dev/hugepages1G=1G"
[ -f "$base.opts" ] && opts=$(cat "$base.opts")
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fail() { echo "FAIL $case_xml: $*"; exit 1; }

case $kind in
xml)
    "$vnuma" xml "$case_xml" >"$out" 2>"$err" || fail "exit $?: $(cat "$err")"
    diff -u "$base.out.xml" "$out" || fail "output differs"
    ;;
expand)
    # shellcheck disable=SC2086
    "$vnuma" xml --expand $opts "$case_xml" >"$out" 2>"$err" || fail "exit $?: $(cat "$err")"
    diff -u "$base.out.xml" "$out" || fail "output differs"
    ;;
check)
    # shellcheck disable=SC2086
    "$vnuma" check $opts "$case_xml" >"$out" 2>"$err"
    rc=$?
    if [ -f "$base.err" ]; then
        [ $rc -ne 0 ] || fail "accepted, expected: $(cat "$base.err")"
        [ $rc -lt 128 ] || fail "crashed (exit $rc)"
        diff -u "$base.err" "$err" || fail "message differs"
    else
        [ $rc -eq 0 ] || fail "refused (exit $rc): $(cat "$err")"
    fi
    ;;
argv)
    # shellcheck disable=SC2086
    "$vnuma" argv $opts "$case_xml" >"$out" 2>"$err" || fail "exit $?: $(cat "$err")"
    diff -u "$base.args" "$out" || fail "output differs"
    ;;
*)
    fail "unknown golden folder '$kind'"
    ;;
esac
echo "ok $case_xml"
