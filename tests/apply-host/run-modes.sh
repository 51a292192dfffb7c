#!/bin/sh
# run-modes.sh VNUMA - vnuma run of strict, preferred, interleave and
# restrictive domains on this machine (cgroup v1 cpuset, node 0): the
# command's Mems_allowed_list/Cpus_allowed_list, its policy (numactl
# --show reads get_mempolicy), the cgroup files while it runs, and the
# stale entry cleaned afterwards.
. "$(dirname "$0")/lib.sh"
for mode in strict preferred interleave restrictive; do
    x=$(domain "r-$mode" "$mode" "<cputune><emulatorpin cpuset='1'/></cputune>")
    out=$("$VNUMA" run $S "$x" -- sh -c 'grep -E "Mems_allowed_list|Cpus_allowed_list" /proc/self/status; numactl --show; cat /proc/self/cgroup' ) ||
        fail "run $mode: $out"
    echo "$out" | grep -q "Cpus_allowed_list:	1$" || fail "$mode: CPUs not 1: $out"
    echo "$out" | grep -q "Mems_allowed_list:	0$" || fail "$mode: mems not 0: $out"
    echo "$out" | grep -q ":cpuset:/machine/qemu-[0-9]*-r-$mode.libvirt-qemu$" ||
        fail "$mode: not in its cgroup: $out"
    pol=$(echo "$out" | sed -n 's/^policy: //p')
    case $mode in
        strict) want=bind ;; preferred) want=preferred ;; interleave) want=interleave ;;
        restrictive) want=default ;;
    esac
    [ "$pol" = "$want" ] || fail "$mode: policy '$pol', want $want"
    # the entry is stale now: list shows and removes it
    "$VNUMA" list $S | grep -q "r-$mode .*stale (removed)" || fail "$mode: not stale in list"
    nothing_left "r-$mode"
    echo "ok run $mode: policy $pol, CPUs 1, mems 0"
done
# the cgroup files while it runs: cpuset.mems restricted for strict and
# restrictive only (v1 children inherit the parent's 0 here either way)
x=$(domain r-live restrictive)
"$VNUMA" run $S "$x" -- sleep 30 &
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e "$T/state/r-live/domain.xml" ] && break; sleep 0.2; done
d=$(ls -d "$CPUSET"/machine/qemu-*-r-live.libvirt-qemu) || fail "no cgroup for r-live"
[ "$(cat "$d/cpuset.mems")" = 0 ] || fail "cpuset.mems $(cat "$d/cpuset.mems")"
[ "$(cat "$d/tasks")" = "$!" ] || fail "tasks '$(cat "$d/tasks")', want $!"
"$VNUMA" numatune $S r-live --nodeset 0 || fail "numatune restrictive refused"
[ "$(cat "$d/cpuset.memory_migrate")" = 1 ] || fail "memory_migrate not set before numatune"
"$VNUMA" status $S r-live || fail "status of r-live"
"$VNUMA" stop $S r-live || fail "stop r-live"
wait
nothing_left r-live
# numatune refuses the other modes, as libvirt does
x=$(domain r-strict2 strict)
"$VNUMA" run $S "$x" -- sleep 30 &
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e "$T/state/r-strict2/domain.xml" ] && break; sleep 0.2; done
msg=$("$VNUMA" numatune $S r-strict2 --nodeset 0 2>&1) && fail "numatune of strict accepted"
echo "$msg" | grep -q "change of nodeset for running domain requires restrictive numa mode" ||
    fail "numatune message: $msg"
"$VNUMA" stop $S r-strict2 || fail "stop"
wait
nothing_left r-strict2
echo "ok numatune, status, stop"
