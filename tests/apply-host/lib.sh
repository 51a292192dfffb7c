# lib.sh - shared by tests/apply-host/*.sh: skip (77) unless root with a
# cpuset cgroup hierarchy; a scratch state dir, log dir and domains.
set -u
VNUMA=$1
[ "$(id -u)" = 0 ] || { echo "skip: not root"; exit 77; }
CPUSET=$(awk '$9 == "cgroup" && $0 ~ /[ ,]cpuset([ ,]|$)/ { print $5; exit }' /proc/self/mountinfo)
[ -n "$CPUSET" ] || { echo "skip: no cgroup v1 cpuset hierarchy"; exit 77; }
T=$(mktemp -d)
S="--state-dir $T/state"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# domain NAME MODE [EXTRA-XML]: a small domain file, path printed
domain() {
    cat >"$T/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>2</vcpu>
  ${3:-}
  <numatune><memory mode='$2' nodeset='0'/></numatune>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>
XML
    echo "$T/$1.xml"
}
# nothing_left NAME: no cgroup, process, socket or state entry of NAME
nothing_left() {
    ! ls -d "$CPUSET"/machine/qemu-*-"$1".libvirt-qemu 2>/dev/null | grep -q . ||
        fail "a cgroup of $1 is left: $(ls -d "$CPUSET"/machine/qemu-*-"$1".libvirt-qemu)"
    [ ! -e "$T/state/$1" ] || fail "the state entry $T/state/$1 is left: $(ls -la "$T/state/$1")"
    for p in $(pgrep -f "guest=$1,"); do
        [ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)" = Z ] || fail "a QEMU of $1 is left (pid $p)"
    done
}
