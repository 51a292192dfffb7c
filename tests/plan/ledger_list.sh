#!/bin/sh
# ledger_list.sh VNUMA PLAN_DIR - what a ledger holds, listed and drawn:
# `vnuma ledger FILE [--format text|json]` (per guest its nodes, memory,
# huge pages and CPUs, and the totals) against ledger/list.txt and
# list.json, and `vnuma host --ledger FILE --format svg` (every recorded
# guest drawn on the host) against ledger/list.svg; a missing ledger is an
# empty one, a corrupt one exit 1, usage errors exit 2.
set -u
vnuma=$1; dir=$2
cd "$dir/ledger" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL ledger_list: $*"; exit 1; }
host=../../golden/hosts/8node.xml

"$vnuma" ledger list.ledger >"$tmp/out" 2>"$tmp/err" || fail "text: exit $?: $(cat "$tmp/err")"
diff -u list.txt "$tmp/out" || fail "text differs"
"$vnuma" ledger list.ledger --format json >"$tmp/out" || fail "json: exit $?"
diff -u list.json "$tmp/out" || fail "json differs"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert [g["name"] for g in d["guests"]] == ["web", "db", "odd one"]; assert d["totals"]["memory_kib"] == sum(g["memory_kib"] for g in d["guests"])' \
    "$tmp/out" || fail "json does not add up"
"$vnuma" ledger --format=json list.ledger | cmp -s - list.json || fail "--format before FILE"
# a missing ledger: empty; a version 1 one: no fingerprint yet
[ "$("$vnuma" ledger "$tmp/none")" = "ledger $tmp/none: 0 guests (no file yet)" ] || fail "missing ledger"
printf 'vnuma-ledger 1\n' >"$tmp/v1"
[ "$("$vnuma" ledger "$tmp/v1")" = "ledger $tmp/v1: 0 guests, no host fingerprint (the next plan records its host's)" ] ||
    fail "version 1 ledger: $("$vnuma" ledger "$tmp/v1")"
printf 'vnuma-ledger 2\nguest x\n' >"$tmp/bad"
"$vnuma" ledger "$tmp/bad" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "corrupt ledger: exit not 1"
[ "$(cat "$tmp/err")" = "error: corrupt ledger $tmp/bad, line 2: the last guest record has no 'end'" ] ||
    fail "corrupt ledger: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "corrupt ledger: printed"
for args in "" "a b" "--format xml list.ledger" "--bogus list.ledger"; do
    # shellcheck disable=SC2086
    "$vnuma" ledger $args >/dev/null 2>&1
    [ $? -eq 2 ] || fail "vnuma ledger $args: exit not 2"
done
"$vnuma" ledger --help | grep -q "^usage: vnuma ledger FILE" || fail "--help"

# the picture: every recorded guest on the host
"$vnuma" host --host "$host" --ledger list.ledger --format svg >"$tmp/out.svg" 2>"$tmp/err" ||
    fail "svg: exit $?: $(cat "$tmp/err")"
cmp -s list.svg "$tmp/out.svg" || fail "svg differs from ledger/list.svg"
python3 - "$tmp/out.svg" <<'PY' || fail "svg legend"
import sys, xml.etree.ElementTree as ET
texts = [t.text or "" for t in ET.parse(sys.argv[1]).iter("{http://www.w3.org/2000/svg}text")]
for want in ("Ledger list.ledger", "web - host CPUs 0,4 - 8 GiB on nodes 0-1", "db - 4 GiB on nodes 2-3",
             "odd one - 1000 KiB on node 5"):
    assert want in texts, (want, texts)
PY
"$vnuma" host --host "$host" --ledger list.ledger >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "host --ledger without --format svg: exit not 2"
"$vnuma" host --host "$host" --ledger "$tmp/bad" --format svg >/dev/null 2>&1
[ $? -eq 1 ] || fail "host --ledger corrupt: exit not 1"
echo "ok ledger_list"
