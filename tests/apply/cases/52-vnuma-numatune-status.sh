# 52-vnuma-numatune-status - vnuma numatune moves a restrictive run's pages
# (cpuset.mems 2 -> 3, the kernel migrates them), and vnuma status agrees
# with numa_maps before and after; numatune of a strict run is refused.
# timeout: 120
S="--state-dir $CASE_DIR/state"
cat >"$CASE_DIR/r.xml" <<XML
<domain type='qemu'><name>r</name><memory unit='MiB'>64</memory>
<vcpu placement='static' cpuset='2-3'>1</vcpu>
<numatune><memory mode='restrictive' nodeset='2'/></numatune>
<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>
XML
"$VNUMA" run $S "$CASE_DIR/r.xml" -- "$TOUCH" 64 >"$CASE_DIR/r.out" 2>&1 &
pid=$!
wait_for_file "$CASE_DIR/r.out" 30 '^ready' || fail "touch not ready: $(cat "$CASE_DIR/r.out")"
st_kib() {   # the KiB status shows on NODE
    "$VNUMA" status $S --format json r | tr ',{}' '\n\n\n' | sed -n "s/^ *\"$1\": \([0-9]*\)$/\1/p"
}
dist=$(pages_on_nodes "$pid")
k=$(st_kib 2)
note "restrictive 2: numa_maps $dist; status N2=$k KiB"
mostly_on "$dist" 2 16384 || fail "before: pages $dist, want them on node 2"
[ "$k" -eq $(( $(pages_on "$dist" 2) * 4 )) ] || fail "status says $k KiB on node 2, numa_maps $(( $(pages_on "$dist" 2) * 4 ))"
"$VNUMA" numatune $S r --nodeset 3 || fail "numatune --nodeset 3 failed"
g=$CG$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
[ "$(cat "$g/cpuset.mems")" = 3 ] || fail "cpuset.mems $(cat "$g/cpuset.mems") after numatune"
dist=$(pages_on_nodes "$pid")
k=$(st_kib 3)
note "after numatune 3: numa_maps $dist; status N3=$k KiB"
mostly_on "$dist" 3 16384 || fail "after numatune: pages $dist, want them on node 3"
[ "$k" -eq $(( $(pages_on "$dist" 3) * 4 )) ] || fail "status says $k KiB on node 3"
grep -q "nodeset='3'" "$CASE_DIR/state/r/domain.xml" || fail "the live XML does not say nodeset 3"
"$VNUMA" stop $S r || fail "stop"
cat >"$CASE_DIR/s.xml" <<XML
<domain type='qemu'><name>s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<numatune><memory mode='strict' nodeset='1'/></numatune>
<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>
XML
"$VNUMA" run $S "$CASE_DIR/s.xml" -- "$TOUCH" 8 >"$CASE_DIR/s.out" 2>&1 &
wait_for_file "$CASE_DIR/s.out" 30 '^ready' || fail "strict touch not ready"
msg=$("$VNUMA" numatune $S s --nodeset 2 2>&1) && fail "numatune of strict accepted"
echo "$msg" | grep -q "requires restrictive numa mode" || fail "numatune strict: $msg"
"$VNUMA" stop $S s || fail "stop s"
