# 30-hugepages - 2 MiB huge pages per node: reserve 48 on nodes 1 and 2; a
# nested QEMU's prealloc'd 64 MiB hugetlbfs backend bound to node 2 takes 32
# of node 2's and none of node 1's, and gives them back when QEMU quits.
# Without prealloc the pages are only reserved (HugePages_Rsvd), not taken.
# timeout: 90
for n in 1 2; do
    [ "$(hugepages $n 48)" = 48 ] || fail "cannot reserve 48 huge pages on node $n (free: $(hugepages $n))"
done
free_before() { echo "$(hugepages 0) $(hugepages 1) $(hugepages 2) $(hugepages 3)"; }
note "free 2 MiB pages per node before: $(free_before)"
[ "$(free_before)" = "0 48 48 0" ] || fail "free huge pages per node $(free_before), want 0 48 48 0"
backend=memory-backend-file,id=ram-node0,mem-path=/dev/hugepages,size=64M,host-nodes=2,policy=bind
qemu_start h -m 64M -smp 1 -object "$backend,prealloc=on" \
    -numa node,nodeid=0,cpus=0,memdev=ram-node0 || fail "QEMU with a hugetlbfs backend did not start"
free=$(free_before)
note "with prealloc=on: free per node $free; $(grep -E 'HugePages_(Total|Free|Rsvd)' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
numa_mappings "$QEMU_PID" 65536 | while read -r l; do note "mapping: $l"; done
note "files in /dev/hugepages: $(ls /dev/hugepages | wc -l) (QEMU unlinks its file at once)"
[ "$free" = "0 48 16 0" ] || fail "free huge pages per node with the backend bound to node 2: $free, want 0 48 16 0"
m=$(numa_mappings "$QEMU_PID" 65536 | awk '$2 == 65536 && $3 == "bind:2"' | head -1)
[ -n "$m" ] || fail "no 64 MiB mapping with policy bind:2"
note "numa_maps: $(grep "^${m%% *} " "/proc/$QEMU_PID/numa_maps")"
dist=$(pages_on_nodes "$QEMU_PID" "${m%% *}")
mostly_on "$dist" 2 16384 100 || fail "the backend's pages are on $dist (4 KiB units), want all on node 2"
qemu_stop
free=$(free_before)
note "after quit: free per node $free"
[ "$free" = "0 48 48 0" ] || fail "after QEMU quit, free huge pages per node $free, want 0 48 48 0"

qemu_start h2 -m 64M -smp 1 -object "$backend,prealloc=off" \
    -numa node,nodeid=0,cpus=0,memdev=ram-node0 || fail "QEMU with a hugetlbfs backend (no prealloc) did not start"
rsvd=$(awk '$1 == "HugePages_Rsvd:" { print $2 }' /proc/meminfo)
free=$(free_before)
note "with prealloc=off: free per node $free, HugePages_Rsvd $rsvd"
[ "$free" = "0 48 48 0" ] || fail "without prealloc, free huge pages per node $free, want 0 48 48 0 (untouched)"
[ "$rsvd" = 32 ] || fail "without prealloc, HugePages_Rsvd $rsvd, want 32"
qemu_stop
