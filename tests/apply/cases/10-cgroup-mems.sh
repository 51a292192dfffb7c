# 10-cgroup-mems - a cgroup v2 cpuset confines and moves memory: a process
# started in a child cgroup with cpuset.mems=2 gets its 64 MiB on node 2 and
# Mems_allowed_list 2; writing cpuset.mems=3 migrates its pages to node 3.
g=$CG/t10
mkdir "$g" || fail "cannot create $g"
echo 2 >"$g/cpuset.mems" || fail "cannot write cpuset.mems=2"
start_touch -c "$g" 64 || fail "touch 64 did not start in $g"
note "touch pid $TOUCH_PID, mapping $TOUCH_ADDR; cgroup.procs: $(tr '\n' ' ' <"$g/cgroup.procs")"
grep -qx "$TOUCH_PID" "$g/cgroup.procs" || fail "touch ($TOUCH_PID) is not in $g"
mems=$(status_field "$TOUCH_PID" Mems_allowed_list)
[ "$mems" = 2 ] || fail "Mems_allowed_list '$mems', want 2"
dist=$(pages_on_nodes "$TOUCH_PID")
note "mems=2: pages per node $dist; the 64 MiB mapping: $(numa_mappings "$TOUCH_PID" 65536), THP $(thp_kib "$TOUCH_PID" "$TOUCH_ADDR") kB"
mostly_on "$dist" 2 16384 || fail "with mems=2 the pages are on $dist, want >= 16384 and 95% on node 2"
echo 3 >"$g/cpuset.mems" || fail "cannot write cpuset.mems=3"
mems=$(status_field "$TOUCH_PID" Mems_allowed_list)
[ "$mems" = 3 ] || fail "after mems=3 Mems_allowed_list '$mems', want 3"
dist=$(pages_on_nodes "$TOUCH_PID")
note "mems=3: pages per node $dist; the 64 MiB mapping: $(numa_mappings "$TOUCH_PID" 65536), THP $(thp_kib "$TOUCH_PID" "$TOUCH_ADDR") kB"
mostly_on "$dist" 3 16384 || fail "after mems=3 the pages are on $dist, want >= 16384 and 95% on node 3 (no migration?)"
kill "$TOUCH_PID"
