#!/bin/sh
# cpuset_live.sh VNUMA - this machine's real cgroup v1 cpuset: a subshell
# moved into a child cpuset cgroup restricted to CPU 0 sees only CPU 0 in
# `vnuma host` (and every CPU with --whole-system).  Needs root and a
# writable /sys/fs/cgroup/cpuset; else skipped (77).  The cgroup is removed
# afterwards.
set -u
vnuma=$1
cg=/sys/fs/cgroup/cpuset
[ "$(id -u)" = 0 ] && [ -w "$cg" ] && [ -f "$cg/cpuset.cpus" ] || { echo "no writable cgroup v1 cpuset: skipped"; exit 77; }
[ -d /sys/devices/system/node/node0 ] || { echo "no node0: skipped"; exit 77; }
child=$cg/vnuma-test-$$
mkdir "$child" 2>/dev/null || { echo "cannot create $child: skipped"; exit 77; }
cleanup() { rmdir "$child" 2>/dev/null; }
trap cleanup EXIT
echo 0 >"$child/cpuset.cpus" && cat "$cg/cpuset.mems" >"$child/cpuset.mems" ||
    { echo "cannot set up $child: skipped"; exit 77; }
out=$(sh -c 'echo $$ >"$1/tasks" && exec env -u VNUMA_CONFIG_ROOT "$2" host' sh "$child" "$vnuma") ||
    { echo "FAIL cpuset_live: vnuma host in $child: exit $?"; exit 1; }
echo "$out" | grep -qx 'node 0 cpus: 0' || { echo "FAIL cpuset_live: $(echo "$out" | grep 'cpus:')"; exit 1; }
all=$(sh -c 'echo $$ >"$1/tasks" && exec env -u VNUMA_CONFIG_ROOT "$2" host --whole-system' sh "$child" "$vnuma" | grep 'cpus:' | sed 's/.*cpus://' | wc -w)
want=$(env -u VNUMA_CONFIG_ROOT "$vnuma" host --whole-system | grep 'cpus:' | sed 's/.*cpus://' | wc -w)
[ "$all" = "$want" ] || { echo "FAIL cpuset_live: --whole-system $all CPUs, outside the cgroup $want"; exit 1; }
echo "ok cpuset_live ($want CPUs, 1 in $child)"
