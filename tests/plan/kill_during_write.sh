#!/bin/sh
# kill_during_write.sh VNUMA PLAN_DIR LEDGER_PAUSE - kill -9 a
# `vnuma plan --ledger` run between writing the new ledger and renaming it
# into place (ledger_pause.c: the plan command over a seam whose renameat
# sleeps): the ledger must still be the old one, byte for byte, and the
# next run must read it, succeed (the lock died with the process) and
# remove the killed run's temporary file (.ledger.XXXXXX), and no other.
set -u
vnuma=$1; dir=$2; pause=$3
cd "$dir" || exit 99
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL kill_during_write: $*"; exit 1; }
temps() { ls -A "$tmp" | grep -E '^\.ledger\.[A-Za-z0-9]{6}$'; }
host=../golden/hosts/8node.xml
sed 's|<name>two-cells</name>|<name>first</name>|' cases/c01-two-cells-8node.xml >"$tmp/first.xml"
sed 's|<name>two-cells</name>|<name>second</name>|' cases/c01-two-cells-8node.xml >"$tmp/second.xml"
"$vnuma" plan --host $host --ledger "$tmp/ledger" "$tmp/first.xml" >/dev/null || fail "first placement"
cp "$tmp/ledger" "$tmp/before"
# files that look like temporary files but are not this ledger's: kept
touch "$tmp/.ledger.tmp" "$tmp/.ledger.abc" "$tmp/.other.abcdef" "$tmp/ledger.abcdef"

"$pause" 30 plan --host $host --ledger "$tmp/ledger" "$tmp/second.xml" >/dev/null 2>&1 &
pid=$!
n=0
# wait until the temporary file holds both records (the run then pauses
# before its rename)
while [ "$(cat "$tmp"/.ledger.?????? 2>/dev/null | grep -c '^end$')" != 2 ]; do
    n=$((n + 1))
    [ $n -lt 400 ] || fail "the run never wrote its temporary file"
    sleep 0.05
done
[ "$(temps | wc -l)" = 1 ] || fail "not one temporary file: $(temps)"
t=$(temps)
grep -q "^guest second" "$tmp/$t" || fail "the temporary file lacks the new guest"
[ "$(stat -c %a "$tmp/$t")" = "$(stat -c %a "$tmp/ledger")" ] || fail "the temporary file's mode differs"
kill -9 $pid
wait $pid 2>/dev/null
pid=
cmp -s "$tmp/before" "$tmp/ledger" || fail "the ledger changed: $(cat "$tmp/ledger")"
[ -e "$tmp/$t" ] || fail "the killed run's temporary file vanished by itself"
"$vnuma" plan --host $host --ledger "$tmp/ledger" "$tmp/second.xml" >/dev/null ||
    fail "the next run fails on the ledger left behind"
grep -q "^guest first" "$tmp/ledger" && grep -q "^guest second" "$tmp/ledger" ||
    fail "the next run did not record both guests"
[ -z "$(temps)" ] || fail "the killed run's temporary file is still there: $(temps)"
for f in .ledger.tmp .ledger.abc .other.abcdef ledger.abcdef; do
    [ -e "$tmp/$f" ] || fail "$f (not a temporary file of the ledger) was removed"
done
echo "ok kill_during_write"
