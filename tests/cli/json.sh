#!/bin/sh
# tests/cli/json.sh VNUMA SRCROOT - --format json: check's report (valid or
# not, the error, the warnings), advise's answer with the explanation
# --explain prints, and errors as one {"error": {...}} object on stderr
# (python3 parses them all).  The messages are libvirt's (tests/golden/*.err)
# or reasoned: a 4-vCPU round-robin <vnuma> domain on two nodes of one CPU
# puts 2 vCPUs on each node's CPU.
set -u
vnuma=$1 src=$2
cd "$src/tests/golden" || exit 99
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
ko() { echo "FAIL: $*"; fail=1; }
run() {  # run STATUS ARGS...: vnuma ARGS, stdout in $tmp/out, stderr in $tmp/err
    want=$1; shift
    "$vnuma" "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
    [ $got -eq "$want" ] || { ko "vnuma $*: exit $got, expected $want: $(cat "$tmp/err")"; return 1; }
}
py() {  # py FILE EXPR...: each python expression (j: the JSON of FILE) must be true
    f=$1; shift
    python3 - "$f" "$@" <<'PY' || ko "$f: $(cat "$f")"
import json, sys
j = json.load(open(sys.argv[1]))
for e in sys.argv[2:]:
    if not eval(e):
        print("not true:", e); sys.exit(1)
PY
}
H8=hosts/8node.xml

# check: valid, invalid (libvirt's message), warnings
run 0 check --host none --format json argv/cpu-numa-memshared.xml &&
    py "$tmp/out" 'j["valid"] is True' 'len(j["domains"]) == 1' \
        'j["domains"][0] == {"file": "argv/cpu-numa-memshared.xml", "valid": True, "warnings": [], "error": None}'
[ -s "$tmp/err" ] && ko "check --format json, valid: stderr: $(cat "$tmp/err")"
msg=$(sed 's/^error: //' check/define-cell-cpu-id-exceeds.err)
run 1 check --host none --format json check/define-cell-cpu-id-exceeds.xml argv/cpu-numa-memshared.xml &&
    py "$tmp/out" 'j["valid"] is False' 'len(j["domains"]) == 2' \
        'j["domains"][0]["valid"] is False' "j['domains'][0]['error']['message'] == '''$msg'''" \
        'j["domains"][0]["error"]["code"] == "invalid"' 'j["domains"][0]["error"]["class"] == "internal"' \
        'j["domains"][0]["error"]["element"] is None' 'j["domains"][1]["valid"] is True'
run 0 check --host "synthetic:numa:2 core:1 pu:1 mem=8G" --format json xml/vnuma-host.xml &&
    py "$tmp/out" 'j["domains"][0]["warnings"] == ["vnuma: host node %d has 1 CPUs for 2 vCPUs; the vCPUs share them" % n for n in (0, 1)]'
# the element the error names
run 3 check --host $H8 --format json check/numatune-static-nodeset-exceed-hostnode.xml &&
    py "$tmp/out" 'j["domains"][0]["error"] == {"code": "host", "class": "unsupported", "message": "unsupported configuration: NUMA node 8 is unavailable", "element": "<numatune><memnode cellid='"'0'"' nodeset='"'0-8'"'>"}'

# errors on stderr, one object: argv, check's host, host, plan, ledger
run 3 argv --host $H8 --format json check/numatune-static-nodeset-exceed-hostnode.xml &&
    py "$tmp/err" 'list(j) == ["error"]' 'j["error"]["element"] == "<numatune><memnode cellid='"'0'"' nodeset='"'0-8'"'>"' \
        'j["error"]["code"] == "host"'
[ -s "$tmp/out" ] && ko "argv --format json, an error: stdout: $(cat "$tmp/out")"
run 3 check --host "$tmp/absent.xml" --format json argv/cpu-numa-memshared.xml &&
    py "$tmp/err" "j['error']['message'] == \"cannot read host capabilities '$tmp/absent.xml': No such file or directory\"" \
        'j["error"]["code"] == "host"' 'j["error"]["class"] == "system"'
run 3 host --host "$tmp/absent.xml" --format json && py "$tmp/err" 'j["error"]["code"] == "host"'
run 1 ledger "$tmp" --format json && py "$tmp/err" "j == {\"error\": {\"code\": \"invalid\", \"class\": \"none\", \"message\": \"ledger $tmp is a directory, not a regular file: refused\", \"element\": None}}"
# text stays text
run 3 argv --host $H8 check/numatune-static-nodeset-exceed-hostnode.xml &&
    grep -qx "error: unsupported configuration: NUMA node 8 is unavailable (in <numatune><memnode cellid='0' nodeset='0-8'>)" "$tmp/err" ||
    ko "argv without --format json: $(cat "$tmp/err")"

# advise: 2 packages x 2 nodes of 2 cores, 4 GiB each, idle: 2 CPUs and 1 GiB
# fit node 0 (the first of equal scores); its CPUs are 0-1.
S="synthetic:package:2 numa:2 core:2 pu:1 mem=4G"
run 0 advise --host "$S" -w 2:1024 --explain
cp "$tmp/err" "$tmp/explained"
run 0 advise --host "$S" -w 2:1024 --explain --format json &&
    py "$tmp/out" 'j["nodes"] == "0"' 'j["cpus"] == "0-1"' 'j["fits"] is True' 'j["shortfall"] is None' \
        'j["warnings"] == []' "j['explanation'] == open('$tmp/explained').read()" \
        'j["explanation"].endswith("CPUs of the chosen nodes (libvirt'"'"'s vCPU affinity): 0-1\n")'
[ -s "$tmp/err" ] && ko "advise --format json --explain: stderr: $(cat "$tmp/err")"
run 0 advise --host "$S" -w 2:1024 --format json && py "$tmp/out" 'j["explanation"] is None'
# 9 CPUs on 8: numad answers every node, with a warning
run 0 advise --host "$S" -w 9 --format json &&
    py "$tmp/out" 'j["fits"] is False' 'j["nodes"] == "0-3"' 'len(j["warnings"]) == 1' \
        'j["shortfall"] in j["warnings"][0]' 'j["shortfall"].endswith("short by 1 CPU")'
run 1 advise --host "$S" -w 9 --require-fit --format json &&
    py "$tmp/err" 'j["error"]["code"] == "invalid"' 'j["error"]["message"].startswith("nothing fits the request: ")'
[ $fail -eq 0 ] && echo ok
exit $fail
