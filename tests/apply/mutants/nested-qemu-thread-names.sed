# case: 20-nested-qemu
# expect: want 'CPU 0/TCG'
# QEMU started without debug-threads: the vCPU threads have no names.
s/^qemu_start t /qemu_start t -name guest=t,debug-threads=off /
