#!/bin/sh
# faults.sh VNUMA - the issue's faults, for real: QEMU missing, QEMU
# exiting at start, QMP not answering, an impossible node (mems=1 is
# EINVAL here), not root; each named in the message, nothing left.
. "$(dirname "$0")/lib.sh"
x=$(domain f1 strict)
expect() {   # expect TEXT CMD...: CMD fails with TEXT in its message, leaves nothing
    want=$1; shift
    msg=$("$@" 2>&1) && fail "accepted: $*"
    echo "$msg" | grep -qF -- "$want" || fail "'$want' not in: $msg"
    nothing_left f1
    pgrep -f "$T/hang.sh" >/dev/null && fail "the hanging QEMU is left"
    echo "ok $want"
}
printf '#!/bin/sh\necho "qemu: cannot start" >&2\nexit 3\n' >"$T/fail.sh"
printf '#!/bin/sh\nexec sleep 60\n' >"$T/hang.sh"
chmod +x "$T/fail.sh" "$T/hang.sh"
L="--log-dir $T/log"
expect "starting QEMU: exec /nonexistent/qemu: No such file" "$VNUMA" launch $S $L --qemu /nonexistent/qemu "$x"
expect "QMP: QEMU exited at start (status 3)" "$VNUMA" launch $S $L --qemu "$T/fail.sh" "$x"
expect "is not answering on QMP" "$VNUMA" launch $S $L --qemu "$T/hang.sh" --qmp-timeout 1 "$x"
sed "s/nodeset='0'/nodeset='1'/" "$x" >"$T/f1n1.xml"
expect "cpuset.mems: Invalid argument" "$VNUMA" launch $S $L --host "synthetic:numa:2 core:1 pu:1 mem=4G" "$T/f1n1.xml"
expect "cpuset.mems: Invalid argument" "$VNUMA" run $S --host "synthetic:numa:2 core:1 pu:1 mem=4G" "$T/f1n1.xml" -- true
if command -v setpriv >/dev/null; then
    expect "vnuma must run as root" setpriv --reuid=65534 --regid=65534 --clear-groups "$VNUMA" run $S "$x" -- true
fi
expect "exec: cannot run '/nonexistent/cmd'" "$VNUMA" run $S "$x" -- /nonexistent/cmd
echo "ok faults"
