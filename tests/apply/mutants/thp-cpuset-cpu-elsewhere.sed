# case: 15-thp-cpuset
# expect: CPU and memory on node 2: only
# The first task's CPU moved to node 0: it gets few or no THPs (0 kB in
# most runs, 16384 kB seen once: the expectation names no figure).
s/echo 2 >"\$a\/cpuset.cpus"/echo 0 >"$a\/cpuset.cpus"/
