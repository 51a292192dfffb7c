/*
 * cmd_partition.h - `vnuma partition`: turn a domain into a <vnuma> one.
 */
#ifndef VN_CMD_PARTITION_H
#define VN_CMD_PARTITION_H

int vn_cmd_partition(int argc, char **argv);

#endif
