# 56-vnuma-launch - vnuma launch of a nested QEMU with two guest cells on
# host nodes 1 and 3 (strict memnodes, prealloc'd by <allocation
# mode='immediate'>): each cell's backend pages on its node (found with
# gpa2hva, as vnuma status finds them), each vCPU thread in its cgroup
# with its affinity (vcpupin 0->1, 1->3), vnuma status unmarked; then
# vnuma stop leaves no cgroup, process, socket or state entry.
# timeout: 150
S="--state-dir $CASE_DIR/state"
cat >"$CASE_DIR/g.xml" <<XML
<domain type='qemu'><name>g</name><memory unit='MiB'>256</memory>
<memoryBacking><allocation mode='immediate'/></memoryBacking>
<vcpu placement='static'>2</vcpu>
<cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='3'/></cputune>
<numatune><memory mode='strict' nodeset='1,3'/>
<memnode cellid='0' mode='strict' nodeset='1'/><memnode cellid='1' mode='strict' nodeset='3'/></numatune>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<cpu><numa><cell id='0' cpus='0' memory='128' unit='MiB'/><cell id='1' cpus='1' memory='128' unit='MiB'/></numa></cpu>
</domain>
XML
"$VNUMA" launch $S --log-dir "$CASE_DIR/log" --qemu "$QEMU" --verbose "$CASE_DIR/g.xml" -- \
    -accel tcg,thread=multi >"$CASE_DIR/launch.out" 2>&1 || fail "launch: $(cat "$CASE_DIR/launch.out" "$CASE_DIR/log/g.log")"
note "$(cat "$CASE_DIR/launch.out")"
pid=$(sed -n 's/^pid=//p' "$CASE_DIR/state/g/info")
sock=$CASE_DIR/state/g/qmp.sock
d=$(sed -n 's/^cgroup_domain=//p' "$CASE_DIR/state/g/info")
# born in the domain cgroup (clone3 CLONE_INTO_CGROUP: Linux 5.7, this
# guest's 6.1), then its thread moved to emulator
grep -q "forked into the domain cgroup" "$CASE_DIR/launch.out" ||
    fail "QEMU was not forked into the domain cgroup: $(cat "$CASE_DIR/launch.out")"
[ "$(cat "/proc/$pid/cgroup")" = "0::${d#$CG}/emulator" ] ||
    fail "QEMU's main thread in $(cat "/proc/$pid/cgroup"), want ${d#$CG}/emulator"
for c in 0:1:0x0 1:3:0x8000000; do
    cell=${c%%:*} rest=${c#*:} node=${rest%%:*} gpa=${rest#*:}
    set -- $(gpa2hva "$sock" "$gpa")
    dist=$(pages_on_nodes "$pid" "$1")
    note "cell $cell: block $2 at $1, pages $dist"
    mostly_on "$dist" "$node" 32768 100 || fail "cell $cell: pages $dist, want all 32768 on node $node"
done
set -- $(vcpu_tids "$sock")
[ $# = 2 ] || fail "vCPU threads: $*"
i=0
for t in "$@"; do
    want=$([ $i = 0 ] && echo 1 || echo 3)
    cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$pid/task/$t/status")
    cg=$(cat "/proc/$pid/task/$t/cgroup")
    note "vCPU $i: thread $t ($(cat "/proc/$pid/task/$t/comm")), CPUs $cpus, $cg"
    [ "$cpus" = "$want" ] || fail "vCPU $i allowed CPUs $cpus, want $want"
    [ "0::${d#$CG}/vcpu$i" = "$cg" ] || fail "vCPU $i in $cg, want ${d#$CG}/vcpu$i"
    [ "$(cat "$d/vcpu$i/cgroup.type")" = threaded ] || fail "vcpu$i is not threaded"
    i=$((i + 1))
done
st=$("$VNUMA" status $S g) || fail "status marks a difference: $st"
note "$st"
"$VNUMA" stop $S g || fail "stop"
[ ! -e "$CASE_DIR/state/g" ] || fail "state entry left"
[ ! -d "$d" ] || fail "cgroup $d left"
[ ! -e "$sock" ] || fail "socket left"
st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
[ -z "$st" ] || [ "$st" = Z ] || fail "QEMU $pid still there (state $st)"
