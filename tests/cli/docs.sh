#!/bin/bash
# tests/cli/docs.sh VNUMA SRCROOT - the options stay in step: for each
# command of `vnuma --help`, the long options its `--help` offers (its usage
# lines and its option lines) must be ones it accepts, must each be in the
# OPTIONS section of doc/vnuma.1, and must each be what the bash completion
# (contrib/bash-completion/vnuma) offers for that command; every option of
# the completion must be accepted too, and every long option of the option
# tables in src/cli/*.c must be offered by some command's --help.
set -u
vnuma=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") root=$2
fail=0
bad() { echo "FAIL: $*"; fail=1; }
man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$root/doc/vnuma.1" | sed 's/\\-/-/g')
# shellcheck source=/dev/null
. "$root/contrib/bash-completion/vnuma"
complete_for() {  # complete_for WORD...: COMPREPLY for the line WORD... ''
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    _vnuma
    printf '%s\n' "${COMPREPLY[@]}"
}
# OPTION=x, so that nothing runs: a flag is refused for its value, a value
# is refused or leads to a usage error for the missing arguments (or, for
# list --state-dir=x, to an empty directory x of our own).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
accepted() {  # accepted CMD OPTION: not refused as unknown
    ! (cd "$tmp" && "$vnuma" "$1" "$2=x" </dev/null 2>&1 >/dev/null) | grep -q "unknown option"
}
cmds=$("$vnuma" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
[ "$(echo "$cmds" | wc -l)" -eq 18 ] || bad "expected 18 commands, got: $cmds"
# The commands themselves complete.
got=$(complete_for vnuma '' | sort | tr '\n' ' ')
want=$(printf '%s\n' $cmds --help --version | sort | tr '\n' ' ')
[ "$got" = "$want" ] || bad "commands complete to '$got', expected '$want'"
all_help=
for c in $cmds; do
    h=$("$vnuma" "$c" --help)
    # the usage block (up to the first blank line) and the option lines
    opts=$( { echo "$h" | sed '/^$/q' | grep -oE -- '--[a-z][a-z-]*';
              echo "$h" | grep -oE -- '^  (-[a-z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'; } |
            sort -u | grep -vx -- '--help')
    [ -n "$opts" ] || { [ "$c" = list ] || bad "$c --help offers no options"; }
    comp=$(complete_for vnuma "$c" '--' | sort -u)
    for o in $opts; do
        all_help="$all_help $o"
        accepted "$c" "$o" || bad "$c --help offers $o, which $c refuses"
        echo "$man_opts" | grep -qE -- "^\.(B|BI|BR) \"?(-[a-z], )?$o( |\"|$)" ||
            bad "$c: $o is not in doc/vnuma.1's OPTIONS"
        echo "$comp" | grep -qx -- "$o" || bad "$c: $o is not in the bash completion"
    done
    for o in $comp; do
        accepted "$c" "$o" || bad "the completion offers $c $o, which $c refuses"
    done
done
# -w of advise
complete_for vnuma advise - | grep -qx -- -w || bad "advise: -w is not in the bash completion"
echo "$man_opts" | grep -q -- '^\.BI "-w, --what"' || bad "advise: -w is not in doc/vnuma.1"
# Every long option of the option tables is offered by some --help.
for o in $(grep -ho '{"[a-z-]*", *[a-z_]*_argument' "$root"/src/cli/*.c | sed 's/{"\([a-z-]*\)".*/\1/' | sort -u); do
    [ "$o" = help ] && continue
    echo "$all_help" | grep -q -- " --$o\b" || bad "--$o is parsed in src/cli but no --help offers it"
done
# Values: --format of argv, and --host's sources.
[ "$(complete_for vnuma argv --format '' | tr '\n' ' ')" = "args shell json " ] ||
    bad "argv --format does not complete to args shell json"
complete_for vnuma plan --host syn | grep -qx 'synthetic:' || bad "--host syn does not complete to synthetic:"
# SEE ALSO
for r in 'numad (8)' 'lstopo (1)' 'numactl (8)' 'virsh (1)'; do
    sed -n '/^\.SH SEE ALSO/,$p' "$root/doc/vnuma.1" | grep -q "^\.BR $r" || bad "SEE ALSO lacks $r"
done
[ $fail -eq 0 ] && echo ok
exit $fail
