# case: 30-hugepages
# expect: with the backend bound to node 2: 0 16 48 0
# The hugetlbfs backend bound to node 1 instead of 2.
s/size=64M,host-nodes=2,/size=64M,host-nodes=1,/
