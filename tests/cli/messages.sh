#!/bin/sh
# tests/cli/messages.sh VNUMA SRC - the messages and exit statuses every
# command keeps (vnuma(1), EXIT STATUS: 0 ok, 1 the domain or request is
# invalid or does not fit, 2 usage, 3 a host or system failure).
#
#   usage      an option typo, a missing value, a value given to a flag, an
#              unknown command: one line, one prefix ("vnuma CMD: ..."), 2
#   synthetic  a typo in a synthetic:SPEC is invalid input (1), whichever
#              command reads it; a host that cannot be read stays 3
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

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
