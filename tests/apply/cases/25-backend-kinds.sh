# 25-backend-kinds - how numa_maps shows each kind of prealloc'd QEMU
# backend, and that gpa2hva finds it: 32 MiB of memory-backend-ram on node 3,
# memory-backend-memfd (share=on; QEMU 7.2 names every memfd
# "memory-backend-memfd", whatever the id) on node 1, memory-backend-file (a
# file under $CASE_DIR, on the rootfs tmpfs, share=on) on node 2 (not 3,
# where the rootfs's own pages are); each mapping
# starts at the host address gpa2hva gives for its cell's first byte, has
# the expected kind, and holds all its pages on its node.
# timeout: 90
b=size=32M,policy=bind,prealloc=on
qemu_start k -m 96M -smp 3 \
    -object memory-backend-ram,id=ram-node0,host-nodes=3,$b \
    -numa node,nodeid=0,cpus=0,memdev=ram-node0 \
    -object memory-backend-memfd,id=ram-node1,host-nodes=1,share=on,$b \
    -numa node,nodeid=1,cpus=1,memdev=ram-node1 \
    -object memory-backend-file,id=ram-node2,host-nodes=2,share=on,mem-path="$CASE_DIR/ram-node2",$b \
    -numa node,nodeid=2,cpus=2,memdev=ram-node2 || fail "QEMU with ram, memfd and file backends did not start"
numa_mappings "$QEMU_PID" 32768 | while read -r l; do note "mapping: $l"; done
i=0
for want in "3 anon" "1 file=/memfd:memory-backend-memfd" "2 file=$CASE_DIR/ram-node2"; do
    node=${want%% *} kind=${want#* }
    at=$(gpa2hva "$QMP_SOCK" $((i * 32 << 20)))
    note "cell $i: gpa2hva $((i * 32 << 20)) -> $at"
    [ "${at#* }" = "ram-node$i" ] || fail "gpa2hva for cell $i names '${at#* }', want ram-node$i"
    addr=${at%% *}
    m=$(numa_mappings "$QEMU_PID" | awk -v a="$addr" '$1 == a')
    [ -n "$m" ] || fail "no mapping starts at $addr (cell $i)"
    set -- $m
    note "cell $i: $m; THP $(thp_kib "$QEMU_PID" "$addr") kB"
    [ "$2" = 32768 ] || fail "cell $i's mapping is $2 KiB, want 32768"
    [ "$3" = "bind:$node" ] || fail "cell $i's mapping has policy $3, want bind:$node"
    case $4 in "$kind"|"$kind\\040(deleted)") ;; *) fail "cell $i's mapping is '$4', want $kind" ;; esac
    dist=$(pages_on_nodes "$QEMU_PID" "$addr")
    mostly_on "$dist" "$node" 8192 100 || fail "cell $i's pages are on $dist, want all 8192 on node $node"
    i=$((i + 1))
done
qemu_stop
