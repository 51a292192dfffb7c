# case: 20-nested-qemu
# expect: backend bound to node 1 has pages
# Each backend's pages checked on the other backend's node.
s/mostly_on "\$dist" "\$n"/mostly_on "$dist" "$other"/
