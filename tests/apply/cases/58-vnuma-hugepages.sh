# 58-vnuma-hugepages - a hugepage-backed domain without guest NUMA, strict
# nodeset 2, launched by vnuma (prealloc): it takes its 16 huge pages from
# node 2 only (free pages per node before and after), its per-domain
# directory under the hugetlbfs mount exists while it runs; vnuma stop
# gives the pages back and removes the directory.
# timeout: 150
S="--state-dir $CASE_DIR/state"
hugepages 1 24 >/dev/null && hugepages 2 24 >/dev/null || fail "cannot reserve huge pages"
cat >"$CASE_DIR/h.xml" <<XML
<domain type='qemu'><name>h</name><memory unit='MiB'>32</memory>
<memoryBacking><hugepages/><allocation mode='immediate'/></memoryBacking>
<vcpu placement='static'>1</vcpu>
<numatune><memory mode='strict' nodeset='2'/></numatune>
<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>
XML
before="$(hugepages 1) $(hugepages 2)"
"$VNUMA" launch $S --log-dir "$CASE_DIR/log" --qemu "$QEMU" --hugetlbfs /dev/hugepages=2M \
    "$CASE_DIR/h.xml" -- -accel tcg >"$CASE_DIR/launch.out" 2>&1 ||
    fail "launch: $(cat "$CASE_DIR/launch.out" "$CASE_DIR/log/h.log" 2>/dev/null)"
after="$(hugepages 1) $(hugepages 2)"
note "free huge pages on nodes 1 2: before $before, running $after"
[ "$after" = "24 8" ] || fail "free huge pages on nodes 1 2 are '$after', want '24 8' (16 taken from node 2 only)"
ls -d /dev/hugepages/libvirt/qemu/*-h >/dev/null 2>&1 || fail "no per-domain directory under /dev/hugepages"
"$VNUMA" stop $S h || fail "stop"
sleep 0.5
back="$(hugepages 1) $(hugepages 2)"
[ "$back" = "24 24" ] || fail "after stop free pages are '$back', want '24 24'"
! ls -d /dev/hugepages/libvirt/qemu/*-h 2>/dev/null | grep -q . || fail "the per-domain directory is left"
