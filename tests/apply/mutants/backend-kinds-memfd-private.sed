# case: 25-backend-kinds
# expect: cell 1's mapping is 'anon+file=/memfd:memory-backend-memfd
# A memfd backend without share=on: prealloc fills the private mapping with
# anonymous copies (numa_maps: anon= beside the file=).
s/memory-backend-memfd,id=ram-node1,host-nodes=1,share=on,/memory-backend-memfd,id=ram-node1,host-nodes=1,share=off,/
