# case: 20-nested-qemu
# expect: no 128 MiB mapping with policy bind:3
# The backend meant for node 3 bound to node 2.
s/host-nodes=3/host-nodes=2/
