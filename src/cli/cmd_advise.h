/*
 * cmd_advise.h - the `vnuma advise` subcommand (cmd_advise.c), called by
 * the front end in vnuma.c with argv[0] = "advise".
 */
#ifndef VN_CMD_ADVISE_H
#define VN_CMD_ADVISE_H

int vn_cmd_advise(int argc, char **argv);

#endif
