# 12-mempolicy - a task's own memory policy, as touch sets (-s) and reports
# (-p, get_mempolicy): bind to node 1 puts its 32 MiB on node 1, interleave
# over 0-3 spreads them over the four nodes (in 2 MiB THP units: THP is
# "always", so not exactly 2048 pages each); a cpuset (mems 2-3) leaves the policy
# reported as default.  (vnuma run will set the policy; touch -p is how a
# case reads it.)
start_touch -p -s bind:1 32 || fail "touch -s bind:1 did not start"
p=$(grep '^policy' "$TOUCH_OUT")
dist=$(pages_on_nodes "$TOUCH_PID" "$TOUCH_ADDR")
note "bind:1: '$p', pages $dist"
[ "$p" = "policy bind nodes 1" ] || fail "touch -s bind:1 -p printed '$p', want 'policy bind nodes 1'"
mostly_on "$dist" 1 8192 100 || fail "bind:1: the 32 MiB are on $dist, want all on node 1"
start_touch -p -s interleave:0-3 32 || fail "touch -s interleave:0-3 did not start"
p=$(grep '^policy' "$TOUCH_OUT")
dist=$(pages_on_nodes "$TOUCH_PID" "$TOUCH_ADDR")
note "interleave:0-3: '$p', pages $dist"
[ "$p" = "policy interleave nodes 0-3" ] || fail "touch -s interleave:0-3 -p printed '$p'"
for n in 0 1 2 3; do
    c=$(pages_on "$dist" $n)
    [ "$c" -ge 1024 ] && [ "$c" -le 3072 ] || fail "interleave:0-3: node $n has $c of the 8192 pages, want 1024-3072"
done
g=$CG/t12
mkdir "$g" && echo 2-3 >"$g/cpuset.mems" || fail "cannot make $g with mems 2-3"
start_touch -c "$g" -p 1 || fail "touch did not start in $g"
p=$(grep '^policy' "$TOUCH_OUT")
note "in a cpuset with mems 2-3: '$p', Mems_allowed_list $(status_field "$TOUCH_PID" Mems_allowed_list)"
[ "$p" = "policy default nodes " ] || fail "in a cpuset: touch -p printed '$p', want 'policy default nodes '"
