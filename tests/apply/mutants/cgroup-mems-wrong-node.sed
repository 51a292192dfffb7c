# case: 10-cgroup-mems
# expect: with mems=2 the pages are on
# The pages of the process confined to node 2 checked for node 1.
s/mostly_on "\$dist" 2 /mostly_on "$dist" 1 /
