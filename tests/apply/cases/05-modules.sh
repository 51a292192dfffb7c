# 05-modules - the kernel modules in the initramfs load (virtio_pci,
# virtio_mem, libnvdimm with their dependencies), for cases that plug
# virtio-mem or NVDIMM devices.
for m in virtio_pci virtio_mem libnvdimm; do
    load_module "$m" || fail "load_module $m failed"
    [ -d "/sys/module/$m" ] || fail "$m loaded but /sys/module/$m is missing"
done
note "loaded: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
