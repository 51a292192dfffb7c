# case: 15-thp-cpuset
# expect: CPU and memory on node 2: only 0 kB of THP
# The first task's CPU moved to node 0: it gets no THPs.
s/echo 2 >"\$a\/cpuset.cpus"/echo 0 >"$a\/cpuset.cpus"/
