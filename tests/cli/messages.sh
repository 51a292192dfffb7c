#!/bin/sh
# tests/cli/messages.sh VNUMA SRC - the messages and exit statuses every
# command keeps (vnuma(1), EXIT STATUS: 0 ok, 1 the domain or request is
# invalid or does not fit, 2 usage, 3 a host or system failure).
#
#   usage      an option typo, a missing value, a value given to a flag, an
#              unknown command: one line, one prefix ("vnuma CMD: ..."), 2
#   synthetic  a typo in a synthetic:SPEC is invalid input (1), whichever
#              command reads it; a host that cannot be read stays 3
#   nofit      "does not fit" is 1 in every command: plan, advise
#              --require-fit, xml --expand, check of a <vnuma> domain
#   dir        a directory given as a file says why, in every command
#              that reads one (it was "cannot read 'my'" without a reason)
#   element    libvirt's "NUMA node N is unavailable" kept as it is, the
#              element whose node set it is named after it: "(in ...)"
#   units      vnuma's own messages speak one unit, MiB, huge page sizes
#              spelled as the options take them (2M, 1G); "host node 0 has"
# Last line: `N passed, N failed`.
set -u
vnuma=$1; src=$2
pass=0; failed=0
ok() { pass=$((pass + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src/tests/golden" || exit 99
H8=hosts/8node.xml

# run RC ARGS...: exit status RC; stdout in $tmp/out, stderr in $tmp/err
run() {
    want=$1; shift
    "$vnuma" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    if [ "$rc" -eq "$want" ]; then return 0; fi
    ko "vnuma $*: exit $rc, expected $want ($(head -3 "$tmp/err"))"
    return 1
}
# err_is TEXT: stderr is exactly TEXT
err_is() {
    if [ "$(cat "$tmp/err")" = "$1" ]; then ok; else ko "stderr '$(cat "$tmp/err")', expected '$1'"; fi
}

# ---- usage: one line, one prefix ----------------------------------------
for cmd in xml check argv host plan advise partition ledger run launch stop list numatune \
           status attach detach set-memory setvcpus; do
    run 2 "$cmd" --hots x && err_is "vnuma $cmd: unknown option '--hots' (see 'vnuma $cmd --help')"
done
run 2 check --host && err_is "vnuma check: option '--host' needs a value (see 'vnuma check --help')"
run 2 plan --dry-run=yes x.xml &&
    err_is "vnuma plan: option '--dry-run' takes no value (see 'vnuma plan --help')"
run 2 advise -x -w 1 && err_is "vnuma advise: unknown option '-x' (see 'vnuma advise --help')"
run 2 chekc x.xml && err_is "vnuma: unknown command 'chekc' (see 'vnuma --help')"
run 2 argv --format yaml x.xml &&
    err_is "vnuma argv: --format takes args, shell or json (see 'vnuma argv --help')"

# ---- synthetic: a spec with a typo is invalid input ---------------------
bad="synthetic:pakage:2 core:2"
why="error: synthetic host: 'pakage:2': unknown level (package, die, group, l1-l3, numa, core, pu)"
run 1 host --host "$bad" && err_is "$why"
run 1 advise --host "$bad" -w 1 && err_is "$why"
run 1 check --host "$bad" check/ok-numad.xml && err_is "$why"
run 1 argv --host "$bad" check/ok-numad.xml && err_is "$why"
run 1 plan --host "$bad" ../plan/cases/c01-two-cells-8node.xml && err_is "$why"
run 1 partition --host "$bad" --mode host check/ok-numad.xml && err_is "$why"
run 1 xml --expand --host "$bad" expand/host-siblings-smt.xml && err_is "$why"
run 1 host --host "synthetic:numa:0" && ok
run 3 host --host sysfs:/nonexistent/x && ok
run 3 advise --host /nonexistent/caps.xml -w 1 && ok

# ---- dir: a directory given as a file says why ---------------------------
mkdir "$tmp/my"
d="$tmp/my"
why="error: '$d' is a directory, not a regular file"
for c in "xml" "xml --expand --host $H8" "check --host none" "argv --host none" \
         "plan --host $H8" "partition --host none --mode host"; do
    # shellcheck disable=SC2086
    run 1 $c "$d" && err_is "$why"
done
run 3 host --host "$d" && err_is "$why"
run 3 check --host "$d" check/ok-numad.xml && err_is "$why"
run 1 ledger "$d" && err_is "error: ledger $d is a directory, not a regular file: refused"
run 1 advise --host $H8 -w 1 --ledger "$d" &&
    err_is "error: ledger $d is a directory, not a regular file: refused"
run 1 attach --state-dir "$tmp/state" guest "$d" && err_is "$why"
"$vnuma" check --host none - <"$d" >"$tmp/out" 2>"$tmp/err"
if grep -qx "error: cannot read the domain from standard input: Is a directory" "$tmp/err"; then ok
else ko "stdin a directory: $(cat "$tmp/err")"; fi

# ---- element: which node set names the node the host lacks ---------------
run 3 check --host $H8 check/numatune-static-nodeset-exceed-hostnode.xml &&
    err_is "error: unsupported configuration: NUMA node 8 is unavailable (in <numatune><memnode cellid='0' nodeset='0-8'>)"
run 3 argv --host $H8 check/numatune-memnode-unavailable-strict.xml &&
    err_is "error: unsupported configuration: NUMA node 999 is unavailable (in <numatune><memory nodeset='999'>)"
run 3 check --host $H8 --hugetlbfs /dev/hugepages2M=2M check/memory-device-nodemask-unavailable.xml &&
    err_is "error: unsupported configuration: NUMA node 8 is unavailable (in memory device 1's <source><nodemask>1-8</nodemask>)"

# ---- nofit: 1 everywhere --------------------------------------------------
short="error: unsupported configuration: vnuma: cell 1 needs 20480 MiB on host node 0, 40960 MiB with the cells before it there, which has 32768 MiB free: 8192 MiB short"
run 1 xml --expand --host $H8 check/vnuma-memory-short.xml && err_is "$short"
run 1 check --host $H8 check/vnuma-memory-short.xml && err_is "$short"
run 1 argv --host $H8 check/vnuma-memory-short.xml && err_is "$short"
run 1 plan --host $H8 check/vnuma-memory-short.xml && err_is "$short"
run 1 plan --host 'synthetic:numa:2 core:2 mem=8G free=3G' ../plan/cases/c01-two-cells-8node.xml &&
    err_is "error: cell 0: needs 4096 MiB, the largest free node has 3072 MiB
error: cell 1: needs 4096 MiB, the largest free node has 3072 MiB"
run 1 advise --host 'synthetic:numa:2 core:2 mem=1G' -w 8:4096 --require-fit && ok

# ---- units: one per message, MiB ----------------------------------------
run 1 plan --host 'synthetic:numa:2 core:2 mem=8G free=4036468K' ../plan/cases/c01-two-cells-8node.xml &&
    err_is "error: cell 0: needs 4096 MiB, the largest free node has 3941.8 MiB
error: cell 1: needs 4096 MiB, the largest free node has 3941.8 MiB"
run 1 xml --expand --host hosts/smt-2node.xml --hugetlbfs /dev/hugepages2M=2M check/vnuma-hugepages-short.xml &&
    err_is "error: unsupported configuration: vnuma: cell 1 needs 1024 MiB on host node 1 which has 512 MiB free in its pool of 2M huge pages: 512 MiB short"
run 0 check --host 'synthetic:numa:1 core:2 mem=8G pages=1G:1' --hugetlbfs /dev/hugepages1G=1G \
    ../advise/auto-hugepages.xml
if grep -q "huge pages of 1G but host node 0 has 1 left" "$tmp/err"; then ok; else ko "page warning: $(cat "$tmp/err")"; fi
run 1 advise --rule smallest --host 'synthetic:numa:2 core:2 mem=8G pages=2M:16' -w 1:128 --hugepages 2M &&
    err_is "error: no set of host nodes fits: needs 64 free huge pages of 2M, the host has at most 32 on any set of nodes: short by 32 pages"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
