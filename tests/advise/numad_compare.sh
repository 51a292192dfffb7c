#!/bin/sh
# numad_compare.sh - the real numad and vnuma's advisor on the recorded
# hosts: for each recorded sysfs tree and a set of requests, run
# `numad -w REQUEST` on the tree and `vnuma advise --host sysfs:TREE -w
# REQUEST`, and report where they agree.
#
# usage: tests/advise/numad_compare.sh [--vnuma PATH] [--fixtures DIR]
#            [--record FILE] [--keep DIR] [HOST...]
#   --vnuma PATH     the vnuma to compare (default: build/vnuma)
#   --fixtures DIR   the shared fixtures (default: ../shared/fixtures); the
#                    trees are DIR/hosts/HOST.tar.bz2
#   --record FILE    write numad's answers to FILE as golden expectations
#                    (tests/advise/numad-expected.txt; numad_expected.sh
#                    holds vnuma to them in the normal test suite)
#   --keep DIR       keep each run's numad debug log (-d) in DIR
#   --requests 'R..' ask these requests (NCPUS[:MB]) instead of the set
#   --synthetic 'P N C T MIB;...'  instead of the recorded trees, the
#                    synthetic hosts "package:P numa:N core:C pu:T mem=MIBM"
#                    written as sysfs trees (sysfs_tree.sh); numad's wall
#                    time is printed for each request
#   HOST...          only these hosts (default: every tree)
#
# Needs root, unshare(1) and Debian's numad (apt-get install numad), and
# no numad daemon running (numad -w would ask it instead).
#
# How numad is shown a recorded tree.  numad reads /sys/devices/system/
# {node,cpu} and /proc/stat.  The whole script runs in a private mount
# namespace (unshare -m); per host it bind-mounts a prepared copy of the
# tree's node/ and cpu/ over /sys/devices/system/{node,cpu}, and a regular
# file over /proc/stat.  That file holds an idle snapshot (every online CPU
# with an idle count, nothing else); numad reads it, sleeps 2 s and reads
# it again: the file is rewritten after 1 s with each idle count 10^6
# ticks higher, so every CPU is wholly idle (numad caps the free CPU at the
# capacity).  Every request of a host is asked at once, between the same
# two snapshots, each numad with its own log bind-mounted over
# /var/log/numad.log; the logs are checked for CPUs_free == CPUs_total.
#
# The copy of the tree is the recorded one with what numad 0.5 needs and
# vnuma reads the same way, so that both see one machine:
#   - node/ on a tmpfs with the nodeN folders made in descending order, so
#     that numad's scandir lists them in ascending order (tmpfs lists the
#     newest first).  On real sysfs, scandir gives kernfs's hash order;
#     vnuma uses ascending ids (advisor_numad.c);
#   - "MemFree:" added where a meminfo lacks it, equal to MemTotal (vnuma's
#     rule where the source does not say), and "Inactive(file): 0 kB"
#     where it lacks that (numad exits without either);
#   - cpulist made from cpumap where a node lacks it (old kernels);
#   - cpu0/topology/thread_siblings where it lacks it: core_cpus (the
#     kernel's newer name for it), or, cpu0 being offline, the siblings of
#     the lowest online CPU (vnuma's rule; numad exits "Could not count
#     threads per core").
# vnuma reads the recorded tree as it is.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
vnuma=$top/build/vnuma
fixtures=$top/../shared/fixtures
record=
keep=
only_reqs=
synthetic=
while [ $# -gt 0 ]; do
    case $1 in
    --vnuma) vnuma=$2; shift 2 ;;
    --fixtures) fixtures=$2; shift 2 ;;
    --record) record=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --requests) only_reqs=$2; shift 2 ;;
    --synthetic) synthetic=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "numad_compare.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
case $vnuma in /*) ;; *) vnuma=$(pwd)/$vnuma ;; esac
case $fixtures in /*) ;; *) fixtures=$(pwd)/$fixtures ;; esac
case $record in ""|/*) ;; *) record=$(pwd)/$record ;; esac
case $keep in ""|/*) ;; *) keep=$(pwd)/$keep ;; esac
[ "$(id -u)" -eq 0 ] || { echo "numad_compare.sh: needs root (mount namespaces)" >&2; exit 77; }
command -v numad >/dev/null || { echo "numad_compare.sh: numad is not installed" >&2; exit 77; }
command -v unshare >/dev/null || { echo "numad_compare.sh: unshare is missing" >&2; exit 77; }
[ -x "$vnuma" ] || { echo "numad_compare.sh: no vnuma at $vnuma" >&2; exit 2; }
if [ -z "${NUMAD_COMPARE_NS:-}" ]; then
    NUMAD_COMPARE_NS=1 exec unshare -m --propagation private "$0" --vnuma "$vnuma" \
        --fixtures "$fixtures" ${record:+--record "$record"} ${keep:+--keep "$keep"} \
        ${only_reqs:+--requests "$only_reqs"} ${synthetic:+--synthetic "$synthetic"} "$@"
fi

work=$(mktemp -d /tmp/numad-compare.XXXXXX)
mount -t tmpfs tmpfs "$work" || exit 3
trap 'cd /; umount -l "$work"; rmdir "$work"' EXIT
[ -e /var/log/numad.log ] || : >/var/log/numad.log

# "0-3,8" -> one id a line
expand_list() {
    tr ',' '\n' | awk -F- 'NF == 1 && $1 != "" { print $1 } NF == 2 { for (i = $1; i <= $2; i++) print i }'
}

# a cpumap ("00000000,0000000f": 32-bit words, most significant first) -> "0,1,2,3"
cpumap_to_list() {
    tr -d '\n' | awk -F, '{
        out = ""
        for (w = NF; w >= 1; w--) {
            v = 0; s = $w
            for (k = 1; k <= length(s); k++) v = v * 16 + index("0123456789abcdef", tolower(substr(s, k, 1))) - 1
            for (b = 0; b < 32; b++) { if (v % 2) out = out (out == "" ? "" : ",") ((NF - w) * 32 + b); v = int(v / 2) }
        }
        print out }'
}

node_ids() { ls "$1" | sed -n 's/^node\([0-9][0-9]*\)$/\1/p' | sort -n; }

online_cpus() {   # SYSDIR
    if [ -f "$1/cpu/online" ]; then expand_list <"$1/cpu/online"; return; fi
    for c in "$1"/cpu/cpu[0-9]*; do
        [ -f "$c/online" ] && [ "$(cat "$c/online")" = 0 ] && continue
        echo "${c##*/cpu}"
    done | sort -n
}

snapshot() {      # IDLE: an idle /proc/stat for the CPUs in $cpus
    echo "cpu  0 0 0 0 0 0 0 0 0 0"
    for c in $cpus; do echo "cpu$c 0 0 0 $1 0 0 0 0 0 0"; done
    echo "intr 0"
    echo "btime 0"
}

patch_meminfo() { # FILE ID
    grep -q 'MemFree:' "$1" ||
        echo "Node $2 MemFree: $(sed -n 's/.*MemTotal: *\([0-9]*\).*/\1/p' "$1") kB" >>"$1"
    grep -q 'Inactive(file):' "$1" || echo "Node $2 Inactive(file): 0 kB" >>"$1"
}

patch_siblings() { # SYSCOPY
    t=$1/cpu/cpu0/topology
    [ -f "$t/thread_siblings" ] && return
    if [ -f "$t/core_cpus" ]; then cp "$t/core_cpus" "$t/thread_siblings"; return; fi
    for c in $cpus; do
        if [ -f "$1/cpu/cpu$c/topology/thread_siblings" ]; then
            mkdir -p "$t" && cp "$1/cpu/cpu$c/topology/thread_siblings" "$t/thread_siblings"
            return
        fi
    done
}

prepare() {       # SYSDIR OUT: OUT/node, OUT/cpu as numad needs them
    mkdir -p "$2/node"
    cp -a "$1/cpu" "$2/cpu"
    for id in $(node_ids "$1/node" | sort -rn); do mkdir "$2/node/node$id"; done
    for f in "$1"/node/*; do
        name=${f##*/}
        if [ -d "$2/node/$name" ]; then cp -a "$f/." "$2/node/$name/"; else cp -a "$f" "$2/node/"; fi
    done
    for id in $(node_ids "$2/node"); do
        d=$2/node/node$id
        [ -f "$d/meminfo" ] && patch_meminfo "$d/meminfo" "$id"
        [ -f "$d/cpulist" ] || cpumap_to_list <"$d/cpumap" >"$d/cpulist"
    done
    patch_siblings "$2"
}

# The requests for a host: fixed ones, and some from its size (node 0's
# CPUs and MiB, the whole host's).
requests() {      # SYSDIR
    first=$(node_ids "$1/node" | head -n 1)
    n0=$(expand_list <"$2/node/node$first/cpulist" | wc -l)
    m0=$(( $(sed -n 's/.*MemTotal: *\([0-9]*\).*/\1/p' "$1/node/node$first/meminfo") / 1024 ))
    ncpu=$(echo $cpus | wc -w)
    mall=0
    for id in $(node_ids "$1/node"); do
        mall=$(( mall + $(sed -n 's/.*MemTotal: *\([0-9]*\).*/\1/p' "$1/node/node$id/meminfo") / 1024 ))
    done
    { printf '%s\n' 1 1:100 2:1024 4:4096 8:16384 16:65536 2:100000 1000:1000
      echo "$n0:$(( m0 / 2 ))"; echo "$(( n0 + 1 )):100"; echo "1:$(( m0 + 1 ))"
      echo "$ncpu:$(( mall / 2 ))"; echo "$ncpu:$mall"; echo "$(( ncpu * 2 )):$(( mall * 2 ))"
    } | awk '!seen[$0]++'
}

# numad's answers for every request at once, between the two snapshots
# (OUT/stat1 and OUT/stat2 when the tree brings its snapshots.)  Each
# run's wall time in OUT/ms.I; -d (the log) unless $debug is empty.
run_numad() {     # OUT REQUESTS...
    out=$1; shift
    if [ -f "$out/stat1" ]; then cp "$out/stat1" "$out/stat"; else snapshot 1000 >"$out/stat"; fi
    mount --bind "$out/node" /sys/devices/system/node &&
    mount --bind "$out/cpu" /sys/devices/system/cpu &&
    mount --bind "$out/stat" /proc/stat || return 1
    i=0
    for r in "$@"; do
        i=$((i + 1)); : >"$out/log.$i"
        ( t0=$(date +%s%N)
          unshare -m sh -c 'mount --bind "$1" /var/log/numad.log && exec numad $3 -w "$2"' \
            sh "$out/log.$i" "$r" "$debug" >"$out/ans.$i" 2>"$out/err.$i"; echo $? >"$out/rc.$i"
          echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$out/ms.$i" ) &
    done
    sleep 1
    if [ -f "$out/stat2" ]; then cat "$out/stat2" >"$out/stat"; else snapshot 1001000 >"$out/stat"; fi
    wait
    umount /proc/stat; umount /sys/devices/system/cpu; umount /sys/devices/system/node
}

# Did numad see every CPU idle?  The last block of "Node N:" lines.
idle_seen() {     # LOG NNODES
    grep ' CPUs_total ' "$1" | tail -n "$2" |
        awk '{ for (i = 1; i <= NF; i++) { if ($i == "CPUs_total") t = $(i+1); if ($i == "CPUs_free") f = $(i+1) }
               sub(",", "", t); sub(",", "", f); if (t != f) bad = 1 } END { exit bad }'
}

numad_answer() {  # OUT I: the answer, or "exit:RC:WHY" (a signal, or its last log line)
    rc=$(cat "$1/rc.$2")
    if [ "$rc" -eq 0 ]; then cat "$1/ans.$2"; return; fi
    if [ "$rc" -gt 128 ]; then
        why=SIG$(kill -l $((rc - 128)))
    else
        why=$(tail -n 1 "$1/log.$2" | sed 's/^.*[0-9][0-9][0-9][0-9]: //')
    fi
    echo "exit:$rc:$why" | tr ' ' '_'
}

# The nodes numad chose, from its -d log ("Assigning resources from node
# IX", IX its index: the ids in ascending order here), as it formats lists
# (str_from_id_list: "0-2,5").  Unlike its printed answer, this keeps the
# sparse ids its bitmaps lose.  "-" when the log has none.
numad_chosen() {  # LOG IDS...
    log=$1; shift
    grep -o 'Assigning resources from node [0-9]*' "$log" | awk -v ids="$*" '
        BEGIN { n = split(ids, id, " ") }
        { got[id[$5 + 1]] = 1; any = 1 }
        END {
            if (!any) { print "-"; exit }
            out = ""; start = -1
            for (k = 1; k <= n + 1; k++) {
                v = (k <= n) ? id[k] + 0 : -2
                if (k <= n && (v in got) && start >= 0 && v == last + 1) { last = v; continue }
                if (start >= 0) { out = out (out == "" ? "" : ",") start (last > start ? "-" last : ""); start = -1 }
                if (k <= n && (v in got)) { start = v; last = v }
            }
            print out
        }'
}

pass=0; chosen_pass=0; total=0; suspect=0
[ -n "$record" ] && {
    echo "# numad's answers to \`numad -w REQUEST\` on the recorded trees of"
    echo "# ../shared/fixtures/hosts, one line each: HOST REQUEST ANSWER CHOSEN, ANSWER"
    echo "# what numad printed (exit:RC:WHY when it failed), CHOSEN the nodes its -d log"
    echo "# says it took (they differ where its bitmaps lose sparse ids; - when none)."
    echo "# Recorded by: tests/advise/numad_compare.sh --record"
    echo "# tests/advise/numad-expected.txt ($(dpkg-query -W -f '${Package} ${Version}' numad 2>/dev/null),"
    echo "# kernel $(uname -r), $(date -u +%Y-%m-%d)); see that script for how numad is shown a tree."
    echo "# tests/advise/numad_expected.sh holds vnuma to these answers, except where"
    echo "# tests/advise/numad-differences.txt says why vnuma answers otherwise."
} >"$record"

# Ask numad and vnuma every request on one prepared tree, and report.
compare() {       # NAME VNUMA-HOST RUNDIR NODE-IDS REQUESTS...
    name=$1; vhost=$2; run=$3; ids=$4; shift 4
    nnodes=$(echo $ids | wc -w)
    run_numad "$run" "$@"
    i=0
    for r in "$@"; do
        i=$((i + 1)); total=$((total + 1))
        n=$(numad_answer "$run" "$i")
        c=$n
        [ -n "$debug" ] && c=$(numad_chosen "$run/log.$i" $ids)
        v=$("$vnuma" advise --host "$vhost" -w "$r" 2>/dev/null)
        note=
        if [ -n "$debug" ] && [ "$(cat "$run/rc.$i")" -eq 0 ] && ! idle_seen "$run/log.$i" "$nnodes"; then
            note=" (numad did not see every CPU idle: timing?)"; suspect=$((suspect + 1))
        fi
        mark=DIFFERENT
        [ "$c" = "$v" ] && chosen_pass=$((chosen_pass + 1)) && mark="same as numad's log"
        [ "$n" = "$v" ] && pass=$((pass + 1)) && mark=same
        printf '%-30s %-12s numad %-14s log %-14s vnuma %-14s %s (numad %s ms)%s\n' "$name" "$r" \
            "$n" "$c" "$v" "$mark" "$(cat "$run/ms.$i")" "$note"
        [ -n "$record" ] && echo "$name $r $n $c" >>"$record"
        [ -n "$keep" ] && mkdir -p "$keep" && cp "$run/log.$i" "$keep/$name-$r.log"
    done
}

debug=-d
for tar in "$fixtures"/hosts/*.tar.bz2; do
    [ -n "$synthetic" ] && break
    host=$(basename "$tar" .tar.bz2)
    if [ $# -gt 0 ]; then
        case " $* " in *" $host "*) ;; *) continue ;; esac
    fi
    x=$work/$host; mkdir -p "$x/rec" "$x/run"
    tar -xjf "$tar" -C "$x/rec" || { echo "$host: cannot extract"; continue; }
    sys=$(find "$x/rec" -maxdepth 4 -type d -path '*/sys/devices/system' | head -n 1)
    [ -n "$sys" ] && [ -d "$sys/node" ] || { echo "$host: no sys/devices/system/node"; continue; }
    cpus=$(online_cpus "$sys" | tr '\n' ' ')
    prepare "$sys" "$x/run"
    # shellcheck disable=SC2046
    compare "$host" "sysfs:${sys%/sys/devices/system}" "$x/run" "$(node_ids "$sys/node" | tr '\n' ' ')" \
        ${only_reqs:-$(requests "$sys" "$x/run")}
    rm -rf "$x"
done

# Synthetic hosts "P N C T MIB" (sysfs_tree.sh), numad without its log
# (contiguous ids: what it prints is what it took).
debug=
old_ifs=$IFS; IFS=';'
for spec in $synthetic; do
    IFS=$old_ifs
    set -- $spec
    name="synthetic:$1x$2x$3x$4"
    x=$work/syn; rm -rf "$x"; mkdir -p "$x"
    "$here/sysfs_tree.sh" "$x" "$@"
    nodes=$(( $1 * $2 )); ncpu=$(( nodes * $3 * $4 ))
    # shellcheck disable=SC2046
    compare "$name" "synthetic:package:$1 numa:$2 core:$3 pu:$4 mem=$5M" "$x" "$(seq 0 $((nodes - 1)) | tr '\n' ' ')" \
        ${only_reqs:-1 2:1024 $(( $3 * $4 )):$(( $5 / 2 )) $(( ncpu / 4 )):$(( $5 * 3 )) $(( ncpu / 2 )):$(( nodes * $5 / 2 )) $ncpu:1 $(( ncpu + 1 )):1}
    rm -rf "$x"
    IFS=';'
done
IFS=$old_ifs
s=; [ "$suspect" -gt 0 ] && s=" ($suspect with numad not seeing every CPU idle)"
echo "agreement: vnuma answers as numad prints in $pass of $total requests, as numad's -d log"
echo "  chooses in $chosen_pass of $total$s"
[ "$chosen_pass" -eq "$total" ]
