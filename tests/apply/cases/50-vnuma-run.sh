# 50-vnuma-run - vnuma run with strict, preferred, interleave and
# restrictive domains and touch as CMD: its policy (get_mempolicy, touch
# -p), Mems_allowed_list, the cgroup files and where its 32 MiB land -
# bind: every page on the bound node; interleave: spread evenly over 0-3;
# preferred: on the preferred node; restrictive: cpuset.mems set and the
# default policy.  vnuma stop leaves nothing.
# timeout: 120
S="--state-dir $CASE_DIR/state"
dom() {   # dom NAME MODE NODESET
    cat >"$CASE_DIR/$1.xml" <<XML
<domain type='qemu'><name>$1</name><memory unit='MiB'>64</memory>
<vcpu placement='static'>1</vcpu>
<numatune><memory mode='$2' nodeset='$3'/></numatune>
<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>
XML
}
for spec in strict:2:bind preferred:1:preferred interleave:0-3:interleave restrictive:3:default; do
    mode=${spec%%:*} rest=${spec#*:} nodes=${rest%%:*} pol=${rest#*:}
    dom "r$mode" "$mode" "$nodes"
    out=$CASE_DIR/$mode.out
    "$VNUMA" run $S "$CASE_DIR/r$mode.xml" -- "$TOUCH" -p 32 >"$out" 2>&1 &
    pid=$!
    wait_for_file "$out" 30 '^ready' || fail "$mode: touch not ready: $(cat "$out")"
    addr=$(sed -n 's/^ready //p' "$out")
    p=$(grep '^policy' "$out")
    dist=$(pages_on_nodes "$pid" "$addr")
    mems=$(status_field "$pid" Mems_allowed_list)
    cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    note "$mode $nodes: '$p', Mems_allowed_list $mems, cgroup $cg, pages $dist"
    case $pol in
        default) [ "$p" = "policy default nodes " ] || fail "$mode: '$p', want the default policy" ;;
        *) [ "$p" = "policy $pol nodes $nodes" ] || fail "$mode: '$p', want 'policy $pol nodes $nodes'" ;;
    esac
    case $cg in /machine/qemu-*-r$mode.libvirt-qemu) ;; *) fail "$mode: in cgroup '$cg'" ;; esac
    cgm=$(cat "$CG$cg/cpuset.mems")
    case $mode in
        strict|restrictive)
            [ "$cgm" = "$nodes" ] || fail "$mode: cpuset.mems '$cgm', want $nodes"
            [ "$mems" = "$nodes" ] || fail "$mode: Mems_allowed_list $mems, want $nodes" ;;
        *)  [ -z "$cgm" ] || fail "$mode: cpuset.mems '$cgm' restricted (would make it strict)"
            [ "$mems" = 0-3 ] || fail "$mode: Mems_allowed_list $mems, want 0-3" ;;
    esac
    case $mode in
        strict) mostly_on "$dist" 2 8192 100 || fail "strict 2: pages $dist, want all on node 2" ;;
        preferred) mostly_on "$dist" 1 8192 || fail "preferred 1: pages $dist, want them on node 1" ;;
        restrictive) mostly_on "$dist" 3 8192 || fail "restrictive 3: pages $dist, want them on node 3" ;;
        interleave)
            for n in 0 1 2 3; do
                c=$(pages_on "$dist" $n)
                [ "$c" -ge 1024 ] && [ "$c" -le 3072 ] || fail "interleave: node $n has $c of 8192 pages"
            done ;;
    esac
    "$VNUMA" stop $S "r$mode" || fail "$mode: vnuma stop failed"
    [ ! -e "$CASE_DIR/state/r$mode" ] || fail "$mode: state entry left"
    [ ! -d "$CG$cg" ] || fail "$mode: cgroup $cg left"
    wait "$pid" 2>/dev/null   # vnuma became touch: reap it (a zombie answers kill -0)
    [ ! -e "/proc/$pid" ] || fail "$mode: touch ($pid) still there"
done
