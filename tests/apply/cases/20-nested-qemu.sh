# 20-nested-qemu - QEMU runs inside the guest and its NUMA backends land
# where host-nodes says: two prealloc'd 128 MiB memory-backend-ram objects
# bound to nodes 1 and 3, two vCPU threads named "CPU n/TCG" (debug-threads)
# whose ids QMP query-cpus-fast reports.
# timeout: 90
t0=$(cut -d' ' -f1 /proc/uptime)
qemu_start t -m 256M -smp 2 \
    -object memory-backend-ram,id=ram-node0,size=128M,host-nodes=1,policy=bind,prealloc=on \
    -numa node,nodeid=0,cpus=0,memdev=ram-node0 \
    -object memory-backend-ram,id=ram-node1,size=128M,host-nodes=3,policy=bind,prealloc=on \
    -numa node,nodeid=1,cpus=1,memdev=ram-node1 || fail "the nested QEMU did not start"
note "QEMU answered QMP $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.2f", b - a }') s after start (256 MiB prealloc'd)"
tids=$(vcpu_tids "$QMP_SOCK" | tr '\n' ' ') || fail "query-cpus-fast failed"
note "QEMU pid $QEMU_PID, vCPU thread ids from QMP: $tids"
note "threads: $(thread_names "$QEMU_PID" | tr '\n' ';')"
[ "$(echo $tids | wc -w)" = 2 ] || fail "query-cpus-fast lists '$tids', want 2 thread ids"
i=0
for t in $tids; do
    comm=$(cat "/proc/$QEMU_PID/task/$t/comm" 2>/dev/null)
    [ "$comm" = "CPU $i/TCG" ] || fail "thread $t (vCPU $i) is named '$comm', want 'CPU $i/TCG'"
    i=$((i + 1))
done
numa_mappings "$QEMU_PID" 65536 | while read -r l; do note "mapping: $l"; done
note "AnonHugePages: $(thp_kib "$QEMU_PID") kB"
# the two 128 MiB backends: told apart by their bind policy
for pair in 1:3 3:1; do
    n=${pair%:*} other=${pair#*:}
    m=$(numa_mappings "$QEMU_PID" 131072 | awk -v p="bind:$n" '$2 == 131072 && $3 == p' | head -1)
    [ -n "$m" ] || fail "no 128 MiB mapping with policy bind:$n"
    addr=${m%% *}
    dist=$(pages_on_nodes "$QEMU_PID" "$addr")
    note "backend on node $n: $addr, pages $dist, THP $(thp_kib "$QEMU_PID" "$addr") kB"
    mostly_on "$dist" "$n" 32768 100 || fail "backend bound to node $n has pages $dist, want all 32768 on node $n"
    [ "$(pages_on "$dist" "$other")" = 0 ] || fail "backend bound to node $n has pages on node $other"
done
qemu_stop
