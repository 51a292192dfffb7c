#!/bin/sh
# mounts.sh VNUMA - hugetlbfs mounts and the memory backing directory found
# as libvirt 9.0's QEMU driver finds them, whatever --host says, on trees
# of the test's own (VNUMA_CONFIG_ROOT), and --hugetlbfs /
# --memory-backing-dir winning over them.
#   - the oracle's setup (../shared/oracle: qemu.conf hugetlbfs_mount =
#     ["/dev/hugepages1G", "/dev/hugepages2M"]): the default is 2M; a real
#     libvirt 9.0 set up so builds mem-path /dev/hugepages2M/libvirt/qemu/-1-hp
#     for this domain (virsh domxml-to-native, checked by hand);
#   - no qemu.conf, both mounted (the issue's machine): /proc/mounts, the
#     kernel's Hugepagesize (2048 kB) marks the default.
set -u
vnuma=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL mounts: $*"; exit 1; }
cat >"$T/hp.xml" <<'XML'
<domain type='kvm'>
  <name>hp</name>
  <memory unit='KiB'>1048576</memory>
  <memoryBacking><hugepages/></memoryBacking>
  <vcpu placement='static'>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB' memAccess='shared'/></numa></cpu>
</domain>
XML
sed 's|<hugepages/>|<access mode="shared"/>|' "$T/hp.xml" >"$T/shared.xml"
tree() {  # tree DIR [QEMU.CONF TEXT]
    mkdir -p "$1/proc" "$1/etc/libvirt"
    printf '%s\n' "none /dev/hugepages2M hugetlbfs rw,relatime,pagesize=2M 0 0" \
        "none /dev/hugepages1G hugetlbfs rw,relatime,pagesize=1024M 0 0" >"$1/proc/mounts"
    printf 'MemTotal: 8000000 kB\nHugepagesize:       2048 kB\n' >"$1/proc/meminfo"
    [ $# -lt 2 ] || printf '%s\n' "$2" >"$1/etc/libvirt/qemu.conf"
}
argv() { VNUMA_CONFIG_ROOT=$root "$vnuma" argv --host none "$@" 2>"$T/err"; }

root=$T/oracle
tree "$root" 'hugetlbfs_mount = ["/dev/hugepages1G", "/dev/hugepages2M"]
memory_backing_dir = "/srv/vnuma-ram"'
out=$(argv --verbose "$T/hp.xml") || fail "oracle tree: $(cat "$T/err")"
echo "$out" | grep -q '"mem-path":"/dev/hugepages2M/libvirt/qemu/-1-hp"' || fail "oracle tree: $out"
grep -q "hugetlbfs mounts ($root/etc/libvirt/qemu.conf (hugetlbfs_mount)): /dev/hugepages1G (1048576 KiB), /dev/hugepages2M (2048 KiB, the default)" "$T/err" ||
    fail "--verbose: $(cat "$T/err")"
grep -q "memory backing directory /srv/vnuma-ram ($root/etc/libvirt/qemu.conf (memory_backing_dir))" "$T/err" ||
    fail "--verbose backing dir: $(cat "$T/err")"
out=$(argv "$T/shared.xml") || fail "shared: $(cat "$T/err")"
echo "$out" | grep -q '"mem-path":"/srv/vnuma-ram/-1-hp/ram-node0"' || fail "backing dir: $out"
# the options win
out=$(argv --hugetlbfs /mnt/h1G=1G "$T/hp.xml") || fail "--hugetlbfs: $(cat "$T/err")"
echo "$out" | grep -q '"mem-path":"/mnt/h1G/libvirt/qemu/-1-hp"' || fail "--hugetlbfs lost: $out"
out=$(argv --memory-backing-dir /x "$T/shared.xml") || fail "--memory-backing-dir: $(cat "$T/err")"
echo "$out" | grep -q '"mem-path":"/x/-1-hp/ram-node0"' || fail "--memory-backing-dir lost: $out"
argv --hugetlbfs none "$T/hp.xml" >/dev/null && fail "--hugetlbfs none still found mounts"
grep -q "hugetlbfs filesystem is not mounted or disabled by administrator config" "$T/err" ||
    fail "--hugetlbfs none: $(cat "$T/err")"

root=$T/mounted
tree "$root"
out=$(argv "$T/hp.xml") || fail "/proc/mounts tree: $(cat "$T/err")"
echo "$out" | grep -q '"mem-path":"/dev/hugepages2M/libvirt/qemu/-1-hp"' || fail "/proc/mounts: $out"

root=$T/disabled
tree "$root" 'hugetlbfs_mount = []'
argv "$T/hp.xml" >/dev/null && fail "hugetlbfs_mount = [] still found mounts"
grep -q "not mounted or disabled by administrator config" "$T/err" || fail "disabled: $(cat "$T/err")"

root=$T/broken
tree "$root" 'hugetlbfs_mount = ["/tmp"]'
argv "$T/hp.xml" >/dev/null
[ $? = 3 ] || fail "a hugetlbfs_mount that is no mount: exit not 3"
grep -q "not a hugetlbfs mount: '/tmp'" "$T/err" || fail "broken: $(cat "$T/err")"

root=$T/empty                       # nothing there: nothing found
mkdir -p "$root"
argv "$T/hp.xml" >/dev/null && fail "no mounts, yet accepted"
echo "ok mounts"
