#!/bin/sh
# numad_expected.sh VNUMA FIXTURES - vnuma's advisor against the real
# numad's recorded answers (numad-expected.txt, recorded by
# numad_compare.sh on the recorded trees of FIXTURES/hosts): every request
# must get numad's answer, or the answer numad-differences.txt gives with
# its reason.  Needs neither numad nor root.  Exit 77 (skipped) without
# the fixtures.
set -u
vnuma=$1; fixtures=$2
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$fixtures/hosts" ] || { echo "no fixtures in '$fixtures': skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; failn=0; same=0; total=0

# The answer numad-differences.txt expects for HOST REQUEST, or nothing.
difference() {
    awk -v h="$1" -v r="$2" '!/^#/ && NF >= 3 && $1 == h && ($2 == r || $2 == "*") { print $3; exit }' \
        "$here/numad-differences.txt"
}

tree() {          # HOST: the extracted tree's root
    if [ ! -d "$tmp/$1" ]; then
        mkdir -p "$tmp/$1"
        tar -xjf "$fixtures/hosts/$1.tar.bz2" -C "$tmp/$1" || return 1
    fi
    sys=$(find "$tmp/$1" -maxdepth 4 -type d -path '*/sys/devices/system' | head -n 1)
    echo "${sys%/sys/devices/system}"
}

while read -r host req answer chosen; do
    case $host in ''|'#'*) continue ;; esac
    total=$((total + 1))
    root=$(tree "$host") || { echo "FAIL: $host: cannot extract"; failn=$((failn + 1)); continue; }
    got=$("$vnuma" advise --whole-system --host "sysfs:$root" -w "$req" 2>/dev/null)
    want=$answer
    if [ "$answer" != "$chosen" ]; then
        d=$(difference "$host" "$req")
        if [ -z "$d" ]; then
            echo "FAIL: $host -w $req: numad printed '$answer' but took '$chosen', and" \
                 "numad-differences.txt does not say what vnuma answers"
            failn=$((failn + 1)); continue
        fi
        want=$d
        [ "$d" = chosen ] && want=$chosen
    fi
    [ "$got" = "$answer" ] && same=$((same + 1))
    if [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL: $host -w $req: vnuma '$got', expected '$want' (numad printed '$answer')"
        failn=$((failn + 1))
    fi
done <"$here/numad-expected.txt"
echo "vnuma prints numad's recorded answer for $same of $total requests;" \
     "$pass as expected (numad-differences.txt), $failn failed"
[ "$failn" -eq 0 ] && [ "$total" -gt 0 ]
