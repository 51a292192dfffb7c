# 00-topology - the guest is the 4-node machine the bed promises: nodes 0-3
# online, node N with CPU N and about 512 MiB, distances 10/20, and cgroup v2
# with the cpuset and memory controllers available to child cgroups.
[ "$(cat /sys/devices/system/node/online)" = 0-3 ] ||
    fail "nodes online: $(cat /sys/devices/system/node/online), want 0-3"
for n in 0 1 2 3; do
    d=/sys/devices/system/node/node$n
    [ "$(cat $d/cpulist)" = "$n" ] || fail "node $n cpus '$(cat $d/cpulist)', want $n"
    kib=$(awk '$3 == "MemTotal:" { print $4 }' $d/meminfo)
    note "node $n: cpus $(cat $d/cpulist), MemTotal $kib kB, MemFree $(awk '$3 == "MemFree:" { print $4 }' $d/meminfo) kB, distance $(cat $d/distance)"
    [ "$kib" -gt 400000 ] && [ "$kib" -le 524288 ] || fail "node $n MemTotal $kib kB, want about 512 MiB"
    want=$(for m in 0 1 2 3; do [ $m = $n ] && printf '10 ' || printf '20 '; done)
    [ "$(cat $d/distance)" = "${want% }" ] || fail "node $n distances '$(cat $d/distance)', want '${want% }'"
done
grep -qw cpuset "$CG/cgroup.controllers" || fail "cgroup.controllers lacks cpuset: $(cat "$CG/cgroup.controllers")"
grep -qw cpuset "$CG/cgroup.subtree_control" || fail "cpuset not enabled for children: $(cat "$CG/cgroup.subtree_control")"
grep -qw memory "$CG/cgroup.subtree_control" || fail "memory not enabled for children: $(cat "$CG/cgroup.subtree_control")"
note "cgroup.controllers: $(cat "$CG/cgroup.controllers"); subtree_control: $(cat "$CG/cgroup.subtree_control")"
note "cpuset.mems.effective: $(cat "$CG/cpuset.mems.effective"), cpuset.cpus.effective: $(cat "$CG/cpuset.cpus.effective")"
grep -q ' /dev/hugepages hugetlbfs' /proc/mounts || fail "hugetlbfs not mounted at /dev/hugepages"
note "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled), shmem $(cat /sys/kernel/mm/transparent_hugepage/shmem_enabled); numa_balancing: $(cat /proc/sys/kernel/numa_balancing); huge page sizes: $(ls /sys/kernel/mm/hugepages | tr "\n" " ")"
note "vnuma: $("$VNUMA" --version 2>&1 | head -1)"
