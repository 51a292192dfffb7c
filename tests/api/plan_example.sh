#!/bin/sh
# plan_example.sh VNUMA PLAN_EXAMPLE TESTS_DIR - the example program over
# the public API (plan_example.c, linked with the shared libvnuma only)
# does what `vnuma plan --ledger FILE` does: for each case, both run on a
# copy of the same ledger at the same path, and their stdout, stderr, exit
# status and the ledger they leave must be the same.  The cases: a new
# ledger, a busy one (version 1: adopted), huge pages, dedicated CPUs, a
# name already placed, a guest that does not fit, another host's ledger.
# Also: what the program takes from libvnuma is vnuma_* only.
set -u
vnuma=$1; example=$2; dir=$3
cd "$dir/plan" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL plan_example: $*"; exit 1; }
h8=../golden/hosts/8node.xml
n=0
# same LEDGER_BEFORE ARGS...: LEDGER_BEFORE a file or "" (no ledger yet)
same() {
    before=$1; shift
    n=$((n + 1))
    for who in vnuma example; do
        rm -rf "$tmp/run"; mkdir "$tmp/run"
        [ -z "$before" ] || cp "$before" "$tmp/run/L"
        if [ $who = vnuma ]; then
            "$vnuma" plan --ledger "$tmp/run/L" "$@" >"$tmp/$who.out" 2>"$tmp/$who.err"
        else
            "$example" --ledger "$tmp/run/L" "$@" >"$tmp/$who.out" 2>"$tmp/$who.err"
        fi
        echo $? >"$tmp/$who.rc"
        cat "$tmp/run/L" >"$tmp/$who.ledger" 2>/dev/null || echo "(none)" >"$tmp/$who.ledger"
    done
    for f in rc out err ledger; do
        cmp -s "$tmp/vnuma.$f" "$tmp/example.$f" ||
            fail "case $n ($*): $f differs: $(diff "$tmp/vnuma.$f" "$tmp/example.$f")"
    done
}
same "" --host $h8 cases/c01-two-cells-8node.xml
[ "$(cat "$tmp/vnuma.rc")" = 0 ] && grep -q "^guest two-cells" "$tmp/vnuma.ledger" || fail "case 1 placed nothing"
same cases/c02-pack-busy.ledger --host $h8 cases/c02-pack-busy.xml
grep -q "^host [0-9a-f]*$" "$tmp/vnuma.ledger" || fail "case 2: not adopted"
same cases/c07-hugepages-pack.ledger --host $h8 --hugetlbfs /dev/hugepages2M=2M cases/c07-hugepages-pack.xml
same "" --host $h8 --dedicated cases/c01-two-cells-8node.xml
grep -q "^cpus " "$tmp/vnuma.ledger" || fail "case 4: no CPUs recorded"
same cases/c13-name-in-ledger.ledger --host $h8 cases/c13-name-in-ledger.xml
[ "$(cat "$tmp/vnuma.rc")" = 1 ] || fail "case 5 not refused"
same cases/c10-memory-refusal.ledger --host $h8 cases/c10-memory-refusal.xml
[ "$(cat "$tmp/vnuma.rc")" = 1 ] || fail "case 6 not refused"
printf 'vnuma-ledger 2\nhost 0123456789abcdef\n' >"$tmp/foreign"
same "$tmp/foreign" --host $h8 cases/c01-two-cells-8node.xml
grep -q "belongs to another host" "$tmp/vnuma.err" || fail "case 7: $(cat "$tmp/vnuma.err")"
same "" --host none cases/c01-two-cells-8node.xml
[ "$(cat "$tmp/vnuma.rc")" = 3 ] || fail "case 8: no host, exit $(cat "$tmp/vnuma.rc")"

# nothing but the public API: no internal (vn_) symbol is taken, and
# every symbol it takes from libvnuma is a vnuma_ one
if command -v nm >/dev/null; then
    lib=$(ldd "$example" | sed -n 's/.*libvnuma[^ ]* => \([^ ]*\) .*/\1/p')
    [ -n "$lib" ] || fail "not linked with the shared libvnuma: $(ldd "$example")"
    nm -D --undefined-only "$example" | awk '{print $NF}' | sed 's/@.*//' | sort -u >"$tmp/undef"
    nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | sort -u >"$tmp/lib"
    bad=$(comm -12 "$tmp/undef" "$tmp/lib" | grep -v '^vnuma_' || true)
    [ -z "$bad" ] || fail "takes from libvnuma what is not its API: $bad"
    ! grep -q '^vn_' "$tmp/undef" || fail "takes internal symbols: $(grep '^vn_' "$tmp/undef")"
    grep -q '^vnuma_plan_domain$' "$tmp/undef" || fail "does not call vnuma_plan_domain"
fi
echo "ok plan_example ($n cases)"
