/*
 * cmd_host.h - the `vnuma host` subcommand (cmd_host.c), called by the
 * front end in vnuma.c with argv[0] = "host".
 */
#ifndef VN_CMD_HOST_H
#define VN_CMD_HOST_H

int vn_cmd_host(int argc, char **argv);

#endif
