#!/bin/sh
# tests/host/cli.sh VNUMA FIXTURES - `vnuma host` end to end.
#
# Each libvirt tree of FIXTURES/libvirt-sysfs is unpacked and read with
# `vnuma host --host sysfs:DIR --format caps`; the <cells>/<cell>/<cpus>/<cpu>
# lines must equal those of libvirt's capabilities output beside the tree
# (the memory and page figures there come from libvirt's test mock, so they
# are not compared).  The output must load back (`--host FILE.xml`) into
# the same document.  Exit codes and messages of the error paths are
# checked too.  Last line: `N passed, N failed`.
set -u
vnuma=$1; fixtures=$2
pass=0; failed=0
ok() { pass=$((pass + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() {  # expect RC STDERR-SUBSTRING ARGS...
    want_rc=$1; want_err=$2; shift 2
    "$vnuma" host "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "$want_rc" ]; then
        ko "vnuma host $*: exit $rc, expected $want_rc ($(cat "$tmp/err"))"
    elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$tmp/err"; then
        ko "vnuma host $*: stderr lacks '$want_err': $(cat "$tmp/err")"
    else
        ok
    fi
}

lines() { grep -E '^ *(<cells |<cell |<cpus |<cpu id|</cell>)' "$1"; }

if [ -d "$fixtures/libvirt-sysfs" ]; then
    for a in "$fixtures"/libvirt-sysfs/*.tar.bz2; do
        name=$(basename "$a" .tar.bz2)
        tar -xjf "$a" -C "$tmp" || { ko "cannot unpack $a"; continue; }
        if "$vnuma" host --host "sysfs:$tmp/$name" --format caps >"$tmp/$name.xml" 2>"$tmp/err"; then
            lines "$tmp/$name.xml" >"$tmp/ours"
            lines "$fixtures/libvirt-sysfs/$name.capabilities.xml" >"$tmp/theirs"
            if [ -s "$tmp/theirs" ] && diff -u "$tmp/theirs" "$tmp/ours"; then ok; else ko "$name: cells differ"; fi
            "$vnuma" host --host "$tmp/$name.xml" --format caps >"$tmp/back.xml" 2>"$tmp/err"
            if cmp -s "$tmp/$name.xml" "$tmp/back.xml"; then ok; else ko "$name: caps do not read back: $(cat "$tmp/err")"; fi
            for f in text json svg; do
                expect 0 "" --host "sysfs:$tmp/$name" --format $f
            done
        else
            ko "$name: $(cat "$tmp/err")"
        fi
    done
else
    echo "no fixtures in $fixtures: recorded trees skipped"
fi

expect 0 "" --help
expect 0 "" --format json                       # this machine
expect 3 "error: no host" --host none
expect 3 "/nonexistent/x" --host sysfs:/nonexistent/x
expect 3 "no sysfs" --host "sysfs:$tmp"
expect 2 "--format takes text, caps, json or svg" --format yaml
expect 2 "unexpected argument" extra
"$vnuma" host --help | grep -q "usage: vnuma host" && ok || ko "--help text"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
