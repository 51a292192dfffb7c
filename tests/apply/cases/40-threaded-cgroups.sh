# 40-threaded-cgroups - libvirt's cgroup v2 layout works on this kernel: a
# domain cgroup (memory + cpuset.mems=1) holding QEMU, threaded children
# emulator/vcpu0/vcpu1 (cpuset only: memory is not a threaded controller),
# each vCPU thread moved through cgroup.threads and pinned by cpuset.cpus
# (vcpu0 -> CPU 2, vcpu1 -> CPU 3), the other threads in emulator (CPUs 0-1).
# timeout: 90
g=$CG/machine-t40
mkdir "$g" && echo 1 >"$g/cpuset.mems" || fail "cannot make $g with cpuset.mems=1"
qemu_start -c "$g" t40 -m 128M -smp 2 \
    -object memory-backend-ram,id=ram-node0,size=128M,prealloc=on \
    -numa node,nodeid=0,cpus=0-1,memdev=ram-node0 || fail "the nested QEMU did not start in $g"
echo +cpuset >"$g/cgroup.subtree_control" || fail "cannot enable cpuset below $g"
for c in emulator vcpu0 vcpu1; do
    mkdir "$g/$c" && echo threaded >"$g/$c/cgroup.type" || fail "cannot make threaded $g/$c"
done
note "types: $g $(cat "$g/cgroup.type"), vcpu0 $(cat "$g/vcpu0/cgroup.type")"
echo 0-1 >"$g/emulator/cpuset.cpus" && echo 2 >"$g/vcpu0/cpuset.cpus" &&
    echo 3 >"$g/vcpu1/cpuset.cpus" || fail "cannot write cpuset.cpus in the threaded children"
set -- $(vcpu_tids "$QMP_SOCK")
[ $# = 2 ] || fail "query-cpus-fast gave '$*', want 2 thread ids"
v0=$1 v1=$2
for t in /proc/"$QEMU_PID"/task/*; do
    t=${t##*/}
    case $t in
        "$v0") c=vcpu0 ;; "$v1") c=vcpu1 ;; *) c=emulator ;;
    esac
    echo "$t" >"$g/$c/cgroup.threads" || fail "cannot move thread $t into $c"
done
for want in "$v0 2 vcpu0" "$v1 3 vcpu1" "$QEMU_PID 0-1 emulator"; do
    set -- $want
    got=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$QEMU_PID/task/$1/status")
    cg=$(cat "/proc/$QEMU_PID/task/$1/cgroup")
    note "thread $1 ($(cat "/proc/$QEMU_PID/task/$1/comm")): Cpus_allowed_list $got, $cg"
    [ "$got" = "$2" ] || fail "thread $1 ($3) allowed CPUs $got, want $2"
    [ "$cg" = "0::/machine-t40/$3" ] || fail "thread $1 is in '$cg', want 0::/machine-t40/$3"
done
m=$(status_field "$QEMU_PID" Mems_allowed_list)
[ "$m" = 1 ] || fail "QEMU's Mems_allowed_list is $m, want 1 (the domain cgroup's cpuset.mems)"
dist=$(pages_on_nodes "$QEMU_PID")
note "QEMU's anonymous pages: $dist; memory.current $(cat "$g/memory.current")"
mostly_on "$dist" 1 32768 || fail "QEMU's pages are on $dist, want its 128 MiB on node 1"
qemu_stop
