#!/bin/sh
# accounting.sh VNUMA PLAN_DIR PART - the ledger's accounting (issue 14,
# 4), in three parts run as three tests (PART capacity, host or dry-run):
#   1. with a ledger a node offers its total memory minus --reserve-memory
#      minus what the ledger holds, not its free memory (which already
#      counts the running guests: they would count twice); without a
#      ledger, the live free memory as before;
#   2. the ledger records its host's fingerprint and refuses another
#      host's; a ledger without one (version 1, or written by hand) is
#      adopted; one machine read from two sources is one host;
#   3. --dry-run shows the placement and records nothing (nothing made on
#      disk either).
# Each part fails on a vnuma before it.
set -u
vnuma=$1; dir=$2; part=$3
cd "$dir" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL accounting: $*"; exit 1; }

# A host of two 16 GiB nodes with 4 GiB free each (running guests, page
# cache: what MemFree says), and a guest of two 8 GiB cells.
host='synthetic:numa:2 core:4 mem=16G free=4G'
# the same without free memory (MemTotal is all there is): the parts on the
# fingerprint and the dry run do not depend on the capacity rule
plain='synthetic:numa:2 core:4 mem=16G'
sed "s|<name>two-cells</name>|<name>a</name>|; s|memory='4' unit='GiB'|memory='8' unit='GiB'|g; s|<memory unit='GiB'>8</memory>|<memory unit='GiB'>16</memory>|" \
    cases/c01-two-cells-8node.xml >"$tmp/a.xml"
sed 's|<name>a</name>|<name>b</name>|' "$tmp/a.xml" >"$tmp/b.xml"
sed 's|<name>a</name>|<name>c</name>|' "$tmp/a.xml" >"$tmp/c.xml"

# a and b placed on a new ledger L on $plain (each fills half of both nodes); the
# copy L.ab; fp its host line
place_ab() {
    "$vnuma" plan --host "$plain" --ledger "$tmp/L" "$tmp/a.xml" >/dev/null 2>&1 &&
        "$vnuma" plan --host "$plain" --ledger "$tmp/L" "$tmp/b.xml" >/dev/null 2>&1 ||
        fail "a and b not placed"
    cp "$tmp/L" "$tmp/L.ab"
    fp=$(sed -n 2p "$tmp/L")
}

capacity() {
# without a ledger: the free memory (4 GiB a node) - refused
"$vnuma" plan --host "$host" "$tmp/a.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "no ledger: a 8 GiB cell fits 4 GiB free"
grep -q "the largest free node has 4096 MiB" "$tmp/err" || fail "no ledger: $(cat "$tmp/err")"
# with a ledger: the total (16 GiB) minus the ledger: a and b fit, c not
"$vnuma" plan --host "$host" --ledger "$tmp/L" --format json "$tmp/a.xml" >"$tmp/out" 2>"$tmp/err" ||
    fail "ledger: a refused (free memory counted, not the total): $(cat "$tmp/err")"
"$vnuma" plan --host "$host" --ledger "$tmp/L" --format json "$tmp/b.xml" >"$tmp/out" 2>"$tmp/err" ||
    fail "ledger: b refused: $(cat "$tmp/err")"
cp "$tmp/L" "$tmp/L.ab"
"$vnuma" plan --host "$host" --ledger "$tmp/L" "$tmp/c.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "ledger: c placed on nodes a and b fill"
[ "$(cat "$tmp/err")" = "error: cell 0: needs 8192 MiB, the largest free node has 0 MiB
error: cell 1: needs 8192 MiB, the largest free node has 0 MiB" ] || fail "ledger full: $(cat "$tmp/err")"
cmp -s "$tmp/L" "$tmp/L.ab" || fail "a refused plan changed the ledger"
# --reserve-memory: kept for the host on each node
"$vnuma" plan --host "$host" --ledger "$tmp/R" --reserve-memory 10G "$tmp/a.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "reserve: 8 GiB fits 16 - 10 GiB"
[ "$(cat "$tmp/err")" = "error: cell 0: needs 8192 MiB, the largest free node has 6144 MiB
error: cell 1: needs 8192 MiB, the largest free node has 6144 MiB" ] || fail "reserve: $(cat "$tmp/err")"
[ ! -e "$tmp/R" ] || fail "reserve: a refused plan wrote the ledger"
"$vnuma" plan --host "$host" --ledger "$tmp/R" --reserve-memory 8192M "$tmp/a.xml" >/dev/null 2>"$tmp/err" ||
    fail "reserve 8 GiB: 8 GiB left on each node: $(cat "$tmp/err")"
"$vnuma" plan --host "$host" --ledger "$tmp/R2" --reserve-memory 0 "$tmp/a.xml" >/dev/null 2>&1 ||
    fail "reserve 0"
"$vnuma" plan --host "$host" --reserve-memory 1G "$tmp/a.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "--reserve-memory without --ledger: exit not 2"
grep -q "^vnuma plan: --reserve-memory needs --ledger FILE" "$tmp/err" || fail "reserve usage: $(cat "$tmp/err")"
for bad in 512 1X -1 ""; do
    "$vnuma" plan --host "$host" --ledger "$tmp/R3" --reserve-memory "$bad" "$tmp/a.xml" >/dev/null 2>&1
    [ $? -eq 2 ] || fail "--reserve-memory '$bad': exit not 2"
done
# huge pages with a ledger: the pools' total pages minus the ledger's (8 of
# 8 free pages of 1 GiB taken by a running guest do not count)
phost='synthetic:numa:2 core:4 mem=16G pages=1G:8 freepages=1G:0'
sed 's|</memory>|</memory><memoryBacking><hugepages><page size="1" unit="G"/></hugepages></memoryBacking>|' \
    "$tmp/a.xml" >"$tmp/p.xml"
"$vnuma" plan --host "$phost" --hugetlbfs /dev/hugepages1G=1G "$tmp/p.xml" >/dev/null 2>&1
[ $? -eq 1 ] || fail "pages without a ledger: placed on no free page"
"$vnuma" plan --host "$phost" --hugetlbfs /dev/hugepages1G=1G --ledger "$tmp/P" --format json "$tmp/p.xml" \
    >"$tmp/out" 2>"$tmp/err" || fail "pages with a ledger: $(cat "$tmp/err")"
grep -q "^pages 0 1048576 8$" "$tmp/P" || fail "pages not recorded: $(cat "$tmp/P")"

}

fingerprint() {
place_ab
case $fp in
"host "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
*) fail "no host line: $(cat "$tmp/L")" ;;
esac
[ "$(head -n 1 "$tmp/L")" = "vnuma-ledger 2" ] || fail "header: $(head -n 1 "$tmp/L")"
[ "$(grep -c '^host ' "$tmp/L")" = 1 ] || fail "host lines: $(cat "$tmp/L")"
# another host (twice the memory): refused, the ledger left as it was
other='synthetic:numa:2 core:4 mem=32G'
"$vnuma" plan --host "$other" --ledger "$tmp/L" "$tmp/c.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "another host's ledger: exit not 1"
[ "$(cat "$tmp/err")" = "error: ledger $tmp/L belongs to another host: it records host ${fp#host }, and host $other is $(sed -n 's/.* and host .* is \([0-9a-f]*\) (.*/\1/p' "$tmp/err") (a host whose nodes, CPUs, memory or page sizes changed is another host: remove the ledger's 'host' line to adopt it)" ] ||
    fail "another host's ledger: $(cat "$tmp/err")"
grep -q "is ${fp#host } (" "$tmp/err" && fail "the other host has the same fingerprint"
cmp -s "$tmp/L" "$tmp/L.ab" || fail "a refused plan changed the ledger"
"$vnuma" host --host "$other" --ledger "$tmp/L" --format svg >/dev/null 2>&1
[ $? -eq 1 ] || fail "host --ledger of another host: exit not 1"
# the same machine from its capabilities XML: the same host
"$vnuma" host --host "$plain" --format caps >"$tmp/caps.xml" || fail "caps"
cp "$tmp/L.ab" "$tmp/L"
"$vnuma" plan --host "$tmp/caps.xml" --ledger "$tmp/L" "$tmp/c.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "the largest free node has 0 MiB" "$tmp/err" ||
    fail "the same host from its caps XML: $(cat "$tmp/err")"
# a ledger without a fingerprint (version 1, or by hand) is adopted
printf 'vnuma-ledger 1\nguest old\nmem 0 1048576\nend\n' >"$tmp/V1"
"$vnuma" plan --host "$plain" --ledger "$tmp/V1" "$tmp/a.xml" >/dev/null 2>"$tmp/err" ||
    fail "version 1 ledger: $(cat "$tmp/err")"
[ "$(sed -n 1,3p "$tmp/V1")" = "vnuma-ledger 2
$fp
guest old" ] || fail "version 1 ledger not adopted: $(cat "$tmp/V1")"
grep -q "^guest a$" "$tmp/V1" || fail "version 1 ledger: a not recorded"
# a ledger of a host without fingerprints still refused by its records
printf 'vnuma-ledger 2\nguest far\nmem 7 1024\nend\n' >"$tmp/F"
"$vnuma" plan --host "$plain" --ledger "$tmp/F" "$tmp/a.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "records node 7, which host" "$tmp/err" || fail "foreign records: $(cat "$tmp/err")"

}

dry_run() {
place_ab
printf 'vnuma-ledger 2\n%s\nguest a\nmem 0 4194304\nend\n' "$fp" >"$tmp/D"
cp "$tmp/D" "$tmp/D.run"
cp "$tmp/D" "$tmp/D.before"
for f in xml json svg; do
    "$vnuma" plan --host "$plain" --ledger "$tmp/D" --dry-run --format $f "$tmp/b.xml" >"$tmp/dry.$f" 2>"$tmp/err" ||
        fail "dry run $f: $(cat "$tmp/err")"
    cmp -s "$tmp/D" "$tmp/D.before" || fail "dry run $f changed the ledger"
done
"$vnuma" plan --host "$plain" --ledger "$tmp/D.run" --format json "$tmp/b.xml" >"$tmp/run.json" || fail "real run"
cmp -s "$tmp/dry.json" "$tmp/run.json" || fail "dry run and real run differ: $(diff "$tmp/dry.json" "$tmp/run.json")"
grep -q "^guest b$" "$tmp/D.run" || fail "the real run did not record b"
# nothing made: no lock file, no directory
"$vnuma" plan --host "$plain" --ledger "$tmp/new/dir/L" --dry-run "$tmp/a.xml" >/dev/null 2>"$tmp/err" ||
    fail "dry run on a missing ledger: $(cat "$tmp/err")"
[ ! -e "$tmp/new" ] || fail "a dry run made $(find "$tmp/new")"
[ ! -e "$tmp/D.lock" ] || fail "a dry run made a lock file"
# a dry run refuses what the real run refuses: a name already recorded
"$vnuma" plan --host "$plain" --ledger "$tmp/D" --dry-run "$tmp/a.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "guest 'a' is already placed" "$tmp/err" || fail "dry run, known name: $(cat "$tmp/err")"
}

case $part in
capacity) capacity ;;
host) fingerprint ;;
dry-run) dry_run ;;
*) echo "accounting.sh: PART is capacity, host or dry-run"; exit 99 ;;
esac
echo "ok accounting $part"
