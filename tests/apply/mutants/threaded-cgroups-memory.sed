# case: 40-threaded-cgroups
# expect: cannot enable cpuset below
# memory enabled below the domain cgroup that holds QEMU: EBUSY (cgroup v2's
# no-internal-process rule; cpuset, a threaded controller, is allowed there).
s/echo +cpuset >"\$g\/cgroup.subtree_control"/echo "+cpuset +memory" >"$g\/cgroup.subtree_control"/
