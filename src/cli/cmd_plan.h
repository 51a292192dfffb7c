/*
 * cmd_plan.h - the `vnuma plan` subcommand (cmd_plan.c): per-cell automatic
 * placement of a guest's NUMA cells on a host, optionally recorded in a
 * placement ledger.  Called by vnuma.c with argv[0] = "plan".
 */
#ifndef VN_CMD_PLAN_H
#define VN_CMD_PLAN_H

int vn_cmd_plan(int argc, char **argv);

#endif
