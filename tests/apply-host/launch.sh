#!/bin/sh
# launch.sh VNUMA - vnuma launch of a TCG QEMU with two vCPUs pinned
# crosswise (vcpupin 0->1, 1->0): each thread's cgroup and affinity
# (/proc/PID/task/TID/status, comm "CPU n/TCG"), the cgroup files - the
# layout libvirt 9.0 shows on this machine -, no descriptor of the caller
# in QEMU, then stop leaves nothing.
. "$(dirname "$0")/lib.sh"
command -v qemu-system-x86_64 >/dev/null || { echo "skip: no qemu-system-x86_64"; exit 77; }
x=$(domain l2 strict "<cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='0'/></cputune>")
# the caller's stdout is a pipe: launch must give it back (QEMU must not hold it)
out=$(timeout 20 "$VNUMA" launch $S --log-dir "$T/log" "$x" -- -accel tcg,thread=multi 9>"$T/nine") ||
    fail "launch: $out"
pid=$(sed -n 's/^pid=//p' "$T/state/l2/info")
[ -n "$pid" ] && kill -0 "$pid" || fail "no QEMU pid ($out)"
d=$(sed -n 's/^cgroup_domain=//p' "$T/state/l2/info")
case $d in "$CPUSET"/machine/qemu-*-l2.libvirt-qemu) ;; *) fail "domain cgroup $d" ;; esac
for c in emulator vcpu0 vcpu1; do [ -d "$d/$c" ] || fail "no $d/$c"; done
[ "$(ls -d "$d"/*/ | wc -l)" = 3 ] || fail "children: $(ls "$d")"
[ "$(cat "$d/emulator/cpuset.mems")" = 0 ] || fail "emulator mems"
[ "$(cat "$d/vcpu0/cpuset.cpus")" = 1 ] && [ "$(cat "$d/vcpu1/cpuset.cpus")" = 0 ] ||
    fail "vcpu cpus: $(cat "$d/vcpu0/cpuset.cpus") $(cat "$d/vcpu1/cpuset.cpus")"
for t in /proc/"$pid"/task/*; do
    comm=$(cat "$t/comm")
    cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status")
    cg=$(sed -n 's/^[0-9]*:cpuset://p' "$t/cgroup")
    case $comm in
        "CPU 0/TCG") want="1 vcpu0" ;; "CPU 1/TCG") want="0 vcpu1" ;;
        *) want="0-1 emulator" ;;
    esac
    [ "$cpus ${cg##*/}" = "$want" ] || fail "thread ${t##*/} ($comm): CPUs $cpus in $cg, want $want"
    echo "thread ${t##*/} ($comm): CPUs $cpus, cgroup ${cg##*/}"
done
ls -l /proc/"$pid"/fd | grep -q "$T/nine" && fail "QEMU holds the caller's descriptor 9"
[ -S "$T/state/l2/qmp.sock" ] || fail "no QMP socket"
# a second launch of the running name is refused, and changes nothing
msg=$("$VNUMA" launch $S --log-dir "$T/log" "$x" 2>&1) && fail "second launch accepted"
echo "$msg" | grep -q "already active" || fail "second launch: $msg"
kill -0 "$pid" || fail "the first QEMU died"
"$VNUMA" stop $S l2 || fail "stop"
st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
[ -z "$st" ] || [ "$st" = Z ] || fail "QEMU $pid still runs (state $st)"
nothing_left l2
echo "ok launch and stop"
