# case: 00-topology
# expect: distances
# The check expects remote distances of 21: the guest's 20 must be rejected.
s/printf '20 '/printf '21 '/
