# case: 10-cgroup-mems
# expect: no migration
# cpuset.mems widened to 2-3 instead of moved to 3: the pages stay on node 2
# (only pages on nodes no longer allowed migrate), the check for node 3 must
# see that (the Mems_allowed_list check is disabled for it).
s/echo 3 >"\$g\/cpuset.mems"/echo 2-3 >"$g\/cpuset.mems"/
s/\[ "\$mems" = 3 \]/true/
