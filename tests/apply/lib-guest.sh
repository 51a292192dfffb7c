# tests/apply/lib-guest.sh - helpers for the apply test bed's cases
# (tests/apply/cases/*.sh).  tests/apply/init sources this file, then the
# case, in a fresh busybox sh (set -u) for each case; see tests/apply/README.md.
#
# Set for every case:
#   CASE       the case's name (file name without .sh)
#   CASE_DIR   an empty scratch directory, /tmp/case/NAME
#   VNUMA      the vnuma binary under test (/usr/bin/vnuma)
#   QEMU       the nested emulator (/usr/bin/qemu-system-x86_64)
#   TOUCH      tests/apply/touch.c, static (not busybox's touch)
#   QMP_POKE   tests/apply/qmp-poke.c, static
#   CG         the cgroup v2 root, /sys/fs/cgroup (+cpuset +memory enabled
#              for its children)
#   NODES      the online nodes as a list, e.g. "0 1 2 3"
# A case passes when it exits 0 without calling fail.  Whatever it prints
# is shown by tests/apply/run -v (and on failure).  After each case the
# init kills what the case left running (its process group, then every
# process in a child cgroup), removes the child cgroups and sets every
# node's persistent huge page count back to its value at boot (0 unless the
# case's "# boot-append:" reserves some), so cases do not see each other's
# leftovers.

# fail REASON...: the case fails with REASON (the first reason is kept).
fail() {
    [ -s "$CASE_DIR/.reason" ] || echo "$*" >"$CASE_DIR/.reason"
    echo "fail: $*"
    exit 1
}

# note MSG...: a line for the -v output.
note() { echo "$*"; }

# on_exit CMD: run CMD (a shell string) when the case ends, in reverse order.
_on_exit=""
on_exit() {
    _on_exit="$1; $_on_exit"
    trap 'eval "$_on_exit"' EXIT
}

# wait_for_file FILE [SECONDS [PATTERN]]: wait until FILE exists (and
# contains a line matching the grep -E PATTERN); status 1 after SECONDS
# (default 30).
wait_for_file() {
    local f=$1 limit=${2:-30} pat=${3:-} i=0
    while [ "$i" -lt $((limit * 10)) ]; do
        if [ -e "$f" ] && { [ -z "$pat" ] || grep -qE "$pat" "$f" 2>/dev/null; }; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# numa_mappings PID [MIN_KIB]: one line per mapping of /proc/PID/numa_maps
# (of at least MIN_KIB), joined with its size from /proc/PID/maps:
#   ADDR SIZE_KIB POLICY KIND PAGESIZE_KIB N0=.. N1=..
# KIND: anon, heap, stack, file=PATH (a memfd: file=/memfd:NAME; a hugetlbfs
# file: its path), anon+file=PATH (a private file mapping with copied
# pages); N counts are in PAGESIZE units, as the kernel prints them.
numa_mappings() {
    awk -v min="${2:-0}" '
        function hex(s,   i, c, v) { v = 0; s = tolower(s)
            for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
            return v }
        FNR == NR { split($1, r, "-"); size[r[1]] = (hex(r[2]) - hex(r[1])) / 1024; next }
        {
            a = $1; s = (a in size) ? size[a] : 0
            if (s < min) next
            kind = ""; ps = "-"; nodes = ""; anon = 0
            for (i = 3; i <= NF; i++) {
                if ($i ~ /^file=/) kind = $i
                else if ($i == "heap" || $i == "stack") kind = $i
                else if ($i ~ /^anon=/) anon = 1
                else if ($i ~ /^N[0-9]+=/) nodes = nodes " " $i
                else if ($i ~ /^kernelpagesize_kB=/) { sub(/.*=/, "", $i); ps = $i }
            }
            if (kind == "") kind = anon ? "anon" : "none"
            else if (anon && kind ~ /^file=/) kind = "anon+" kind
            print a, s, $2, kind, ps nodes
        }' "/proc/$1/maps" "/proc/$1/numa_maps"
}

# pages_on_nodes PID [ADDR]: the process's pages per node, in 4 KiB pages
# (huge pages counted as 512), summed over its anonymous mappings (numa_maps
# lines with anon=: anonymous memory, heap, stack, and private hugetlbfs
# mappings), or over the one mapping starting at ADDR (hex, as numa_maps
# prints it, any kind).  Prints "NODE=COUNT ..." in node order, e.g. "0=12 2=16384".
pages_on_nodes() {
    awk -v addr="${2:-}" '
        (addr != "" && $1 == addr) || (addr == "" && / anon=/) {
            ps = 4
            for (i = 3; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { ps = $i; sub(/.*=/, "", ps) }
            for (i = 3; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
                split(substr($i, 2), kv, "="); n[kv[1] + 0] += kv[2] * ps / 4
            }
        }
        END { sep = ""; for (k = 0; k < 1024; k++) if (k in n) { printf "%s%d=%d", sep, k, n[k]; sep = " " } print "" }
    ' "/proc/$1/numa_maps"
}

# pages_on DIST NODE: the count for NODE in a pages_on_nodes line (0 if absent).
pages_on() {
    echo "$1" | tr ' ' '\n' | awk -F= -v n="$2" '$1 == n { c = $2 } END { print c + 0 }'
}

# mostly_on DIST NODE MIN [PERCENT]: status 0 when NODE holds at least MIN
# pages and at least PERCENT (default 95) % of all the pages in DIST.
mostly_on() {
    echo "$1" | tr ' ' '\n' | awk -F= -v n="$2" -v min="$3" -v pct="${4:-95}" '
        NF == 2 { t += $2; if ($1 == n) c = $2 }
        END { exit !(c >= min && t > 0 && c * 100 >= t * pct) }'
}

# status_field PID FIELD: a field of /proc/PID/status (e.g. Mems_allowed_list).
status_field() {
    sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

# start_touch [-c CGROUP_DIR] [TOUCH_OPTION...] MIB: start $TOUCH in the
# background (first moved into CGROUP_DIR when given) with the options (-p,
# -s MODE:NODES, -g FILE: see touch.c), wait for its "ready"; sets TOUCH_PID,
# TOUCH_ADDR (its mapping) and TOUCH_OUT (its output file, where -p's
# "policy ..." line is).  Status 1 when it is not ready within 30 s.
start_touch() {
    local cg=""
    [ "$1" = -c ] && { cg=$2; shift 2; }
    TOUCH_OUT=$CASE_DIR/touch.$$.$RANDOM
    if [ -n "$cg" ]; then
        sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" "$TOUCH" "$@" >"$TOUCH_OUT" 2>&1 &
    else
        "$TOUCH" "$@" >"$TOUCH_OUT" 2>&1 &
    fi
    TOUCH_PID=$!
    wait_for_file "$TOUCH_OUT" 30 '^ready' || { cat "$TOUCH_OUT"; return 1; }
    TOUCH_ADDR=$(sed -n 's/^ready //p' "$TOUCH_OUT")
}

# qmp SOCKET JSON...: send QMP commands (after qmp_capabilities), print the
# replies one a line; status 1 if one was an error (see qmp-poke.c).
qmp() { "$QMP_POKE" -t 60 "$@"; }

# qemu_start [-c CGROUP_DIR] NAME ARGS...: start the nested QEMU in the
# background (first moved into CGROUP_DIR when given), paused (-S), TCG, no
# devices, with its QMP socket at $CASE_DIR/NAME.qmp and thread names on
# (-name guest=NAME,debug-threads=on), plus ARGS; waits until it answers QMP
# (after prealloc).  Sets QEMU_PID, QMP_SOCK, QEMU_LOG.  Status 1 (with the
# log printed) when it died or did not answer.
qemu_start() {
    local cg=""
    [ "$1" = -c ] && { cg=$2; shift 2; }
    local name=$1
    shift
    QMP_SOCK=$CASE_DIR/$name.qmp
    QEMU_LOG=$CASE_DIR/$name.log
    set -- -S -accel tcg,thread=multi -machine pc -nodefaults -display none \
        -qmp "unix:$QMP_SOCK,server=on,wait=off" -name "guest=$name,debug-threads=on" "$@"
    if [ -n "$cg" ]; then
        sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" "$QEMU" "$@" >"$QEMU_LOG" 2>&1 </dev/null &
    else
        "$QEMU" "$@" >"$QEMU_LOG" 2>&1 </dev/null &
    fi
    QEMU_PID=$!
    if ! qmp "$QMP_SOCK" >/dev/null 2>>"$QEMU_LOG" || ! kill -0 "$QEMU_PID" 2>/dev/null; then
        echo "qemu_start $name failed:"
        cat "$QEMU_LOG"
        return 1
    fi
}

# qemu_stop: quit the QEMU qemu_start started, wait for it (kill -9 after 10 s).
qemu_stop() {
    qmp "$QMP_SOCK" '{"execute":"quit"}' >/dev/null 2>&1
    local i=0
    while kill -0 "$QEMU_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$QEMU_PID" 2>/dev/null
    wait "$QEMU_PID" 2>/dev/null
    return 0
}

# thread_names PID: "TID COMM" for each thread.
thread_names() {
    local t
    for t in /proc/"$1"/task/*; do
        echo "${t##*/} $(cat "$t/comm")"
    done
}

# hugepages NODE [COUNT [SIZE_KIB]]: set node NODE's persistent huge page
# count (size default 2048 kB) when COUNT is given; print free_hugepages.
hugepages() {
    local d=/sys/devices/system/node/node$1/hugepages/hugepages-${3:-2048}kB
    [ -z "${2:-}" ] || echo "$2" >"$d/nr_hugepages" || return 1
    cat "$d/free_hugepages"
}

# load_module NAME: insmod NAME's dependencies and NAME, in order, skipping
# those already loaded (/apply/modules/NAME lists the .ko files; the
# initramfs holds virtio, virtio_pci, virtio_mem, libnvdimm and what they need).
load_module() {
    local ko m
    [ -f "/apply/modules/$1" ] || { echo "load_module: no module $1 in the initramfs"; return 1; }
    for ko in $(cat "/apply/modules/$1"); do
        m=${ko##*/}
        m=${m%.ko}
        [ -d "/sys/module/$(echo "$m" | tr - _)" ] || insmod "$ko" || return 1
    done
}

# thp_kib PID [ADDR]: KiB of transparent huge pages (AnonHugePages) in the
# process (smaps_rollup), or in the mapping starting at ADDR (smaps);
# numa_maps cannot tell them apart: it counts a THP as 512 4 KiB pages.
thp_kib() {
    if [ -z "${2:-}" ]; then
        awk '$1 == "AnonHugePages:" { print $2 }' "/proc/$1/smaps_rollup"
    else
        awk -v a="$2" '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { split($1, r, "-"); on = (r[1] == a) }
                       on && $1 == "AnonHugePages:" { print $2; exit }' "/proc/$1/smaps"
    fi
}

# vcpu_tids SOCKET: the vCPU thread ids QMP query-cpus-fast reports, in
# cpu-index order, one a line (status 1 when QMP fails).
vcpu_tids() {
    local r
    r=$(qmp "$1" '{"execute":"query-cpus-fast"}') || { echo "$r" >&2; return 1; }
    echo "$r" | sed 's/}, {/\n/g' | sed -n 's/.*"thread-id": \([0-9]*\), "props".*"cpu-index": \([0-9]*\).*/\2 \1/p' |
        sort -n | cut -d' ' -f2
}

# hmp SOCKET COMMAND: an HMP command through QMP human-monitor-command; prints
# its output (e.g. hmp "$QMP_SOCK" "gpa2hva 0x0" prints "Host virtual
# address for 0x0 (ram-node0) is 0x7f...").
hmp() {
    qmp "$1" "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"$2\"}}" |
        sed 's/^{"return": "//; s/"}$//; s/\\r\\n/\n/g; s/\\r//g'
}

# gpa2hva SOCKET GPA: the host address (hex, without 0x, as numa_maps
# prints it) of guest physical address GPA, and the RAM block's name:
# "7f12a4000000 ram-node0".  Cell i starts at the sum of the earlier cells'
# sizes (below the PCI hole: up to 3 GiB on pc with -m above it).
gpa2hva() {
    hmp "$1" "gpa2hva $2" | sed -n 's/.*(\(.*\)) is 0x\([0-9a-f]*\).*/\2 \1/p'
}
