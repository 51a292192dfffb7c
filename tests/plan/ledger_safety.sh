#!/bin/sh
# ledger_safety.sh VNUMA PLAN_DIR - the ledger is safe to run as root: each
# reproducer of a past hole, and its outcome now.
#   1. a symbolic link to a ledger is the same ledger: its real file is
#      locked and replaced (the link stays), so two paths never book the
#      same CPUs twice;
#   2. a link to a missing file, a second hard link, a FIFO, /dev/zero, a
#      directory, an oversized file: refused, naming the file, without
#      hanging, reading without bound or creating anything;
#   3. a planted L.tmp or temporary-looking link, a planted lock link or
#      FIFO: nothing they point to is created or overwritten;
#   4. absurd records (node 4294967295, page size 3, 2^64-1 KiB, CPU 16384)
#      refused quickly with their line;
#   5. the ledger's directories are made (0755) when missing, not through
#      a planted link; the ledger's mode is kept across a rewrite.
set -u
vnuma=$1; dir=$2
cd "$dir" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL ledger_safety: $*"; exit 1; }
umask 022
host='synthetic:numa:1 core:4 mem=16G'
# a 12 GiB guest with 4 dedicated vCPUs: one fills the 16 GiB, 4-CPU host
for g in x y; do
    cat >"$tmp/$g.xml" <<XML
<domain type='kvm'>
  <name>$g</name>
  <memory unit='GiB'>12</memory>
  <vcpu placement='static'>4</vcpu>
  <numatune><memory mode='strict' placement='auto'/></numatune>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0-3' memory='12' unit='GiB'/></numa></cpu>
</domain>
XML
done
plan() {   # LEDGER GUEST: exit status; stderr in $tmp/err
    timeout 20 "$vnuma" plan --host "$host" --dedicated --ledger "$1" "$tmp/$2.xml" \
        >/dev/null 2>"$tmp/err"
}
expect() {   # WHAT STATUS MESSAGE: the last plan's status and stderr
    [ "$rc" -eq "$2" ] || fail "$1: exit $rc, expected $2: $(cat "$tmp/err")"
    [ "$(cat "$tmp/err")" = "$3" ] || fail "$1: message: $(cat "$tmp/err")"
}
cd "$tmp" || exit 99

# 1. the symlinked ledger
mkdir a b
printf 'vnuma-ledger 1\n' >a/L
ln -s ../a/L b/L
plan b/L x; rc=$?
[ $rc -eq 0 ] || fail "x through b/L: $(cat err)"
[ -L b/L ] && [ "$(readlink b/L)" = ../a/L ] || fail "the link b/L was replaced"
grep -q '^guest x$' a/L || fail "x not recorded in the real file a/L"
[ -f a/L.lock ] && [ ! -e b/L.lock ] || fail "the lock is not the real file's: $(ls a b)"
[ "$(ls -A b)" = L ] || fail "files beside the link: $(ls -A b)"
plan a/L y; rc=$?
[ $rc -eq 1 ] || fail "y through a/L placed on x's CPUs (exit $rc)"
grep -q '^error: cell 0: needs 12288 MiB' err || fail "y refusal: $(cat err)"
grep -q '^guest y$' a/L && fail "y recorded"
"$vnuma" plan --ledger b/L --release x || fail "release through the link"
plan a/L y; rc=$?
[ $rc -eq 0 ] || fail "y after the release: $(cat err)"

# 2. what is not one regular file with one name
cp a/L a/L.before
ln -s ../a/missing b/M
plan b/M x; rc=$?
expect dangling 1 "error: 'b/M' is a symbolic link to '../a/missing', which does not exist: refused (nothing is created through a link)"
[ ! -e a/missing ] && [ ! -e a/missing.lock ] || fail "created through the dangling link"
ln a/L H
plan H x; rc=$?
expect hardlink 1 "error: ledger H has 2 hard links: refused (each name would have its own lock; keep one name, or use a symbolic link)"
rm H
mkfifo F
plan F x; rc=$?
expect fifo 1 "error: ledger F is a FIFO, not a regular file: refused"
ln -s /dev/zero Z
plan Z x; rc=$?
expect zero 1 "error: ledger Z (really /dev/zero) is a character device, not a regular file: refused"
[ ! -e /dev/zero.lock ] || fail "a lock file made beside /dev/zero"
mkdir D
plan D x; rc=$?
expect directory 1 "error: ledger D is a directory, not a regular file: refused"
{ echo 'vnuma-ledger 1'; head -c 5000000 /dev/zero | tr '\0' '#' | fold -w 99; } >big
plan big x; rc=$?
expect big 1 "error: ledger 'big' is larger than the limit of 4194304 bytes"
cmp -s a/L a/L.before || fail "a refusal changed a/L"

# 3. planted files beside the ledger
echo precious >victim
cp victim victim.before
ln -s ../victim a/L.tmp
ln -s ../victim a/.L.AAAAAA
"$vnuma" plan --ledger a/L --release y || fail "release y with planted links"
cmp -s victim victim.before || fail "the victim was written through a planted link"
[ -L a/L.tmp ] && [ -L a/.L.AAAAAA ] || fail "a planted link was removed"
mkdir c
printf 'vnuma-ledger 1\n' >c/L
ln -s ../made-by-root c/L.lock
plan c/L x; rc=$?
expect locklink 1 "error: cannot open lock file c/L.lock: it is a symbolic link: refused"
[ ! -e made-by-root ] || fail "the lock link made a file"
rm c/L.lock
mkfifo c/L.lock
plan c/L x; rc=$?
expect lockfifo 1 "error: lock file c/L.lock is a FIFO, not a regular file: refused"

# 4. absurd records
for rec in 'mem 4294967295 1|node ids must be below 16384' \
           'mem 16384 1|node ids must be below 16384' \
           'pages 0 3 1|a huge page size must be a power of two from 8 KiB to 16 GiB' \
           'cpus 16384|CPU ids must be below 16384'; do
    printf 'vnuma-ledger 1\nguest far\n%s\nend\n' "${rec%%|*}" >R
    plan R x; rc=$?
    expect "record ${rec%%|*}" 1 "error: corrupt ledger R, line 3: ${rec#*|}"
done
printf 'vnuma-ledger 1\nguest far\nmem 0 18446744073709551615\nend\n' >R
plan R x; rc=$?
expect "2^64-1 KiB" 1 "error: corrupt ledger R, line 4: guest 'far' takes more than 4 PiB on node 0"
printf 'vnuma-ledger 1\nguest far\nmem 9 1\nend\n' >R
plan R x; rc=$?
expect "node 9" 1 "error: ledger R records node 9, which host synthetic:numa:1 core:4 mem=16G lacks (a ledger of another host?)"

# 5. directories made, modes kept
plan new/sub/L x; rc=$?
[ $rc -eq 0 ] || fail "a ledger in missing directories: $(cat err)"
[ "$(stat -c %a new) $(stat -c %a new/sub) $(stat -c %a new/sub/L)" = "755 755 644" ] ||
    fail "modes: $(stat -c '%n %a' new new/sub new/sub/L)"
ln -s elsewhere/deeper p
plan p/L x; rc=$?
expect "planted parent link" 1 "error: 'p' is a symbolic link to 'elsewhere/deeper', which does not exist: refused (nothing is created through a link)"
[ ! -e elsewhere ] || fail "a directory made through the link"
mkdir real && ln -s real q
plan q/L x; rc=$?
[ $rc -eq 0 ] && [ -f real/L ] || fail "a ledger in a linked directory: $(cat err)"
chmod 600 real/L
"$vnuma" plan --ledger q/L --release x || fail "release in q/L"
[ "$(stat -c %a real/L)" = 600 ] || fail "the ledger's mode was not kept: $(stat -c %a real/L)"
[ -z "$(ls -A real | grep -v '^L$' | grep -v '^L.lock$')" ] || fail "leftovers: $(ls -A real)"
echo "ok ledger_safety"
