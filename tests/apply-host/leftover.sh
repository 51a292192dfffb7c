#!/bin/sh
# leftover.sh VNUMA - a cgroup left by a vnuma killed before its undo ran
# (the name's state entry gone with it) does not block the name: an empty
# one is started afresh; one that still holds a task is someone's guest
# and is refused, naming it.
. "$(dirname "$0")/lib.sh"
x=$(domain left strict)
"$VNUMA" run $S $C --domain-id 7 "$x" -- true || fail "first run"
"$VNUMA" list $S >/dev/null     # reaps the exec'd run's stale entry and its cgroup
d=$CPUSET/$P/qemu-7-left.libvirt-qemu
[ ! -d "$d" ] || fail "list left the stale run's cgroup"
# what a killed launch leaves: the domain cgroup and an emulator child,
# settings of their own, no task, no state entry
mkdir "$d" "$d/emulator" || fail "cannot plant a leftover"
for c in "$d" "$d/emulator"; do
    cat "$CPUSET/$P/cpuset.cpus" >"$c/cpuset.cpus"
    cat "$CPUSET/$P/cpuset.mems" >"$c/cpuset.mems"
done
out=$("$VNUMA" run $S $C --domain-id 7 "$x" -- cat /proc/self/cgroup) ||
    fail "a run over an empty leftover cgroup: $out"
echo "$out" | grep -q ":cpuset:/$P/qemu-7-left.libvirt-qemu$" || fail "not in its cgroup: $out"
[ ! -d "$d/emulator" ] || fail "the leftover's emulator child is still there"
"$VNUMA" list $S >/dev/null
# a leftover with a task in it
sleep 30 &
squatter=$!
mkdir "$d" || fail "cannot plant the second leftover"
cat "$CPUSET/$P/cpuset.cpus" >"$d/cpuset.cpus"
cat "$CPUSET/$P/cpuset.mems" >"$d/cpuset.mems"
echo "$squatter" >"$d/tasks" || fail "cannot put the squatter in"
msg=$("$VNUMA" run $S $C --domain-id 7 "$x" -- true 2>&1) && fail "a run over a cgroup in use"
echo "$msg" | grep -q "cgroup $d exists and holds tasks" || fail "message: $msg"
grep -qx "$squatter" "$d/tasks" || fail "the squatter was moved"
kill "$squatter"; wait "$squatter" 2>/dev/null
echo "$squatter" >"$CPUSET/tasks" 2>/dev/null
rmdir "$d" 2>/dev/null
"$VNUMA" list $S >/dev/null
[ ! -e "$T/state/left" ] || fail "the refused run left its state entry"
echo "ok leftover"
