#!/bin/sh
# release.sh VNUMA PLAN_DIR - `vnuma plan --release`: the share comes back
# (a node filled by one guest takes the next after the release), an unknown
# name is refused with exit 1 and the ledger left as it was, usage errors
# exit 2.
set -u
vnuma=$1; dir=$2
cd "$dir" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL release: $*"; exit 1; }
host=--host=../golden/hosts/8node.xml
# guests of two 20 GiB cells: a 32 GiB node of the 8-node host holds one
# such cell, so b cannot use a's nodes until a is released.
for g in a b; do
    sed "s|<name>two-cells</name>|<name>$g</name>|; s|memory='4' unit='GiB'|memory='20' unit='GiB'|g; s|<memory unit='GiB'>8</memory>|<memory unit='GiB'>40</memory>|" \
        cases/c01-two-cells-8node.xml >"$tmp/$g.xml"
done
"$vnuma" plan $host --ledger "$tmp/L" --format json "$tmp/a.xml" >"$tmp/a1" || fail "place a"
grep -q '"nodeset": "0-1"' "$tmp/a1" || fail "a not on 0-1: $(cat "$tmp/a1")"
"$vnuma" plan $host --ledger "$tmp/L" --format json "$tmp/b.xml" >"$tmp/b1" || fail "place b"
grep -q '"nodeset": "2-3"' "$tmp/b1" || fail "b not on 2-3 (0-1 are a's): $(cat "$tmp/b1")"
"$vnuma" plan --ledger "$tmp/L" --release a || fail "release a"
grep -q "^guest a" "$tmp/L" && fail "a still in the ledger"
grep -q "^guest b" "$tmp/L" || fail "b lost"
cp "$tmp/L" "$tmp/L.before"
"$vnuma" plan --ledger "$tmp/L" --release nosuch 2>"$tmp/err"
[ $? -eq 1 ] || fail "unknown name: exit not 1"
[ "$(cat "$tmp/err")" = "error: guest 'nosuch' is not in ledger $tmp/L" ] || fail "message: $(cat "$tmp/err")"
cmp -s "$tmp/L" "$tmp/L.before" || fail "a refused release changed the ledger"
sed 's|<name>a</name>|<name>c</name>|' "$tmp/a.xml" >"$tmp/c.xml"
"$vnuma" plan $host --ledger "$tmp/L" --format json "$tmp/c.xml" >"$tmp/c1" || fail "place c"
grep -q '"nodeset": "0-1"' "$tmp/c1" || fail "c did not get a's nodes back: $(cat "$tmp/c1")"
"$vnuma" plan --ledger "$tmp/L" --release b && "$vnuma" plan --ledger "$tmp/L" --release c ||
    fail "release all"
# what is left: the header and the host the ledger belongs to
[ "$(sed 's/^host [0-9a-f]\{16\}$/host FP/' "$tmp/L")" = "vnuma-ledger 2
host FP" ] || fail "empty ledger: $(cat "$tmp/L")"
"$vnuma" plan $host --ledger "$tmp/L" "$tmp/a.xml" >/dev/null || fail "an empty ledger does not read back"
"$vnuma" plan --release a >/dev/null 2>&1
[ $? -eq 2 ] || fail "--release without --ledger: exit not 2"
"$vnuma" plan --ledger "$tmp/L" --release a "$tmp/a.xml" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--release with a DOMAIN.xml: exit not 2"
# a ledger naming nodes and CPUs the host lacks (another host's) is refused,
# not silently half-counted, and left as it was
printf 'vnuma-ledger 1\nguest far\nmem 9 1048576\ncpus 200-201\nend\n' >"$tmp/F"
cp "$tmp/F" "$tmp/F.before"
"$vnuma" plan $host --ledger "$tmp/F" "$tmp/c.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "foreign ledger: exit not 1"
[ "$(cat "$tmp/err")" = "error: ledger $tmp/F records node 9 and CPUs 200-201, which host ../golden/hosts/8node.xml lacks (a ledger of another host?)" ] ||
    fail "foreign ledger message: $(cat "$tmp/err")"
cmp -s "$tmp/F" "$tmp/F.before" || fail "a refused plan changed the ledger"
echo "ok release"
