# tests/guest/lib.sh - what the QEMU test beds share: installing the Debian
# packages they need and fetching the Debian cloud kernel.  Sourced (bash) by
# tests/guest/run and tests/apply/run; defines functions only.
#
#   guest_install_missing PROG PKG...   apt-get install the PKGs not installed
#                                       (as root, else with sudo); PROG names
#                                       the caller in messages
#   guest_fetch_kernel PROG CACHE       unpack the cloud kernel package into
#                                       CACHE/kernel (once; nothing goes to
#                                       /boot); CACHE/kernel/boot/vmlinuz-*
#                                       and CACHE/kernel/lib/modules/VERSION/

guest_install_missing() {
    local prog=$1 missing="" p
    shift
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "$prog: installing$missing" >&2
    $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
            --no-install-recommends $missing >/dev/null
}

# The Debian cloud kernel: NUMA, ACPI SRAT/SLIT/HMAT, memory hot-plug, cpusets
# and the serial console built in (virtio, virtio_mem, libnvdimm are modules).
# The metapackage depends on the real image package; fetch that one and
# unpack it (no install).
guest_fetch_kernel() {
    local prog=$1 cache=$2 pkg deb
    ls "$cache"/kernel/boot/vmlinuz-* >/dev/null 2>&1 && return 0
    pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
          awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
    if [ -z "$pkg" ]; then
        apt-get update -qq >/dev/null 2>&1
        pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
              awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
    fi
    [ -n "$pkg" ] || { echo "$prog: cannot resolve linux-image-cloud-amd64" >&2; return 1; }
    mkdir -p "$cache/deb" && rm -rf "$cache/kernel" &&
        (cd "$cache/deb" && apt-get download "$pkg" >/dev/null 2>&1) &&
        deb=$(ls "$cache"/deb/"$pkg"_*.deb | head -1) &&
        dpkg-deb -x "$deb" "$cache/kernel" &&
        grep -q '^CONFIG_NUMA=y' "$cache"/kernel/boot/config-* &&
        grep -q '^CONFIG_ACPI_NUMA=y' "$cache"/kernel/boot/config-* &&
        grep -q '^CONFIG_MEMORY_HOTPLUG=y' "$cache"/kernel/boot/config-* ||
        { echo "$prog: cannot fetch/unpack $pkg (or it lacks NUMA)" >&2; return 1; }
}
