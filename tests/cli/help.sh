#!/bin/sh
# tests/cli/help.sh VNUMA - every command whose help offers --host lists
# the host sources vnuma_host_load reads (src/host/host_load.c): a
# capabilities XML file, sysfs:DIR and synthetic:SPEC.
set -u
vnuma=$1
fail=0
cmds=$("$vnuma" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
[ -n "$cmds" ] || { echo "FAIL: no commands in vnuma --help"; exit 1; }
n=0
for c in $cmds; do
    h=$("$vnuma" "$c" --help) || { echo "FAIL: vnuma $c --help"; fail=1; continue; }
    echo "$h" | grep -q -- '--host SOURCE' || continue
    n=$((n + 1))
    for s in 'capabilities XML file' 'sysfs:DIR' 'synthetic:SPEC'; do
        echo "$h" | grep -q -- "$s" || { echo "FAIL: vnuma $c --help: no '$s'"; fail=1; }
    done
done
# xml check argv host plan advise partition run launch attach setvcpus
[ $n -eq 11 ] || { echo "FAIL: $n commands offer --host, expected 11"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
