/*
 * cmd_ledger.h - the `vnuma ledger` subcommand (cmd_ledger.c), called by
 * the front end in vnuma.c with argv[0] = "ledger".
 */
#ifndef VN_CMD_LEDGER_H
#define VN_CMD_LEDGER_H

int vn_cmd_ledger(int argc, char **argv);

#endif
