# 15-thp-cpuset - transparent huge pages under a cpuset (THP is "always"
# here): a task whose CPU is on a node in cpuset.mems gets THPs, one whose
# CPU is on another node gets none (the default policy's THP allocation
# tries the local node only, then falls back to 4 KiB pages); migration by
# a cpuset.mems change keeps the THPs.
a=$CG/t15a b=$CG/t15b
mkdir "$a" "$b" || fail "cannot create the cgroups"
echo 2 >"$a/cpuset.mems" && echo 2 >"$a/cpuset.cpus" || fail "cannot set $a to mems 2, cpus 2"
echo 2 >"$b/cpuset.mems" && echo 1 >"$b/cpuset.cpus" || fail "cannot set $b to mems 2, cpus 1"
start_touch -c "$a" 64 || fail "touch did not start in $a"
pa=$TOUCH_PID aa=$TOUCH_ADDR thp_a=$(thp_kib "$TOUCH_PID" "$TOUCH_ADDR") dist_a=$(pages_on_nodes "$TOUCH_PID")
start_touch -c "$b" 64 || fail "touch did not start in $b"
thp_b=$(thp_kib "$TOUCH_PID" "$TOUCH_ADDR") dist_b=$(pages_on_nodes "$TOUCH_PID")
note "cpus 2, mems 2: THP $thp_a kB, pages $dist_a; cpus 1, mems 2: THP $thp_b kB, pages $dist_b"
mostly_on "$dist_a" 2 16384 && mostly_on "$dist_b" 2 16384 ||
    fail "the pages are not on node 2: $dist_a / $dist_b"
[ "$thp_a" -ge 61440 ] || fail "CPU and memory on node 2: only $thp_a kB of THP, want >= 61440 (30 of the 64 MiB's 2 MiB blocks)"
[ "$thp_b" = 0 ] || fail "CPU on node 1, memory on node 2: $thp_b kB of THP, want 0"
echo 3 >"$a/cpuset.mems" || fail "cannot write cpuset.mems=3"
thp=$(thp_kib "$pa" "$aa")
dist=$(pages_on_nodes "$pa")
note "after cpuset.mems=3: THP $thp kB, pages $dist"
mostly_on "$dist" 3 16384 || fail "after mems=3 the pages are on $dist, want node 3"
[ "$thp" = "$thp_a" ] || fail "migration changed THP from $thp_a to $thp kB"
