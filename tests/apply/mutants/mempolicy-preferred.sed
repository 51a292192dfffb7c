# case: 12-mempolicy
# expect: touch -s bind:1 -p printed 'policy preferred nodes 1'
# preferred instead of bind: -p must report it.
s/start_touch -p -s bind:1 32/start_touch -p -s preferred:1 32/
