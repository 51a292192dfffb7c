# case: 30-hugepages
# expect: with the backend bound to node 2: 0 48 48 0
# Without prealloc nothing is taken from the pool at start.
s/"\$backend,prealloc=on"/"$backend,prealloc=off"/
