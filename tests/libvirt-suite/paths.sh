#!/bin/sh
# tests/libvirt-suite/paths.sh VNUMA SRCROOT - tests/libvirt-suite/run with
# relative --vnuma and --src, from another directory: both are taken from
# the caller's directory.  The source is a fake libvirt tree built by hand
# (fake-src/tests/qemuxml2argvdata): plain.xml with the command line libvirt
# 9.0 prints for it (1 GiB: -m 1024 and pc.ram of 1073741824 bytes; 2 vCPUs:
# -smp 2,sockets=2,...), differs.xml whose .args says -m 2048 (a failure),
# and noxml.x86_64-latest.args without its .xml (skipped).
set -u
vnuma=$1 root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/here"
cp "$vnuma" "$tmp/bin/vnuma"
cp -r "$root/tests/libvirt-suite/fake-src" "$tmp/src"
cd "$tmp/here"
out=$("$root/tests/libvirt-suite/run" --vnuma ../bin/vnuma --src ../src 2>&1)
rc=$?
expected='FAIL differs: command line differs
1 passed, 1 failed'
if [ "$out" != "$expected" ] || [ $rc -ne 1 ]; then
    echo "FAIL: relative paths: rc $rc, output:"; echo "$out"; exit 1
fi
# A relative --vnuma with no slash is looked up in PATH, as a shell does.
out=$(PATH=$tmp/bin:$PATH "$root/tests/libvirt-suite/run" --vnuma vnuma --src ../src 2>&1)
[ "$out" = "$expected" ] || { echo "FAIL: --vnuma from PATH:"; echo "$out"; exit 1; }
echo "ok"
