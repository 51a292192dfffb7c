#!/bin/sh
# kill_during_write.sh VNUMA PLAN_DIR - kill -9 a `vnuma plan --ledger` run
# between writing the new ledger and renaming it into place
# (VNUMA_LEDGER_TEST_PAUSE): the ledger must still be the old one, byte for
# byte, and the next run must read it and succeed (the lock died with the
# process).
set -u
vnuma=$1; dir=$2
cd "$dir" || exit 99
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL kill_during_write: $*"; exit 1; }
host=../golden/hosts/8node.xml
sed 's|<name>two-cells</name>|<name>first</name>|' cases/c01-two-cells-8node.xml >"$tmp/first.xml"
sed 's|<name>two-cells</name>|<name>second</name>|' cases/c01-two-cells-8node.xml >"$tmp/second.xml"
"$vnuma" plan --host $host --ledger "$tmp/ledger" "$tmp/first.xml" >/dev/null || fail "first placement"
cp "$tmp/ledger" "$tmp/before"

VNUMA_LEDGER_TEST_PAUSE=30 "$vnuma" plan --host $host --ledger "$tmp/ledger" \
    "$tmp/second.xml" >/dev/null 2>&1 &
pid=$!
n=0
# wait until the temporary file holds both records (the run then pauses
# before its rename)
while [ "$(cat "$tmp"/ledger.tmp 2>/dev/null | grep -c '^end$')" != 2 ]; do
    n=$((n + 1))
    [ $n -lt 400 ] || fail "the run never wrote its temporary file"
    sleep 0.05
done
grep -q "^guest second" "$tmp"/ledger.tmp || fail "the temporary file lacks the new guest"
kill -9 $pid
wait $pid 2>/dev/null
pid=
cmp -s "$tmp/before" "$tmp/ledger" || fail "the ledger changed: $(cat "$tmp/ledger")"
"$vnuma" plan --host $host --ledger "$tmp/ledger" "$tmp/second.xml" >/dev/null ||
    fail "the next run fails on the ledger left behind"
grep -q "^guest first" "$tmp/ledger" && grep -q "^guest second" "$tmp/ledger" ||
    fail "the next run did not record both guests"
[ ! -e "$tmp/ledger.tmp" ] || fail "the killed run's temporary file is still there"
echo "ok kill_during_write"
