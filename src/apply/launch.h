/*
 * launch.h - what launch.c and launch_qmp.c share: one launch in progress.
 */
#ifndef VN_APPLY_LAUNCH_H
#define VN_APPLY_LAUNCH_H

#include "apply/apply_internal.h"
#include "qmp/qmp.h"

typedef struct vn_ap_launch {
    vn_ap_start *s;
    vn_ap_entry *e;
    const vn_apply_opts *o;
    vn_undo *u;                /* the launch's journal */
    char *qemu;                /* the binary */
    vn_argv cmd;               /* its whole command line */
    char *log_path;
    int logfd, sockfd, nullfd;
    char *domain_cg, *emulator_cg;   /* NULL without cpuset */
    pid_t pid;
    bool born_in_domain;       /* v2: the child was forked into domain_cg (launch.c) */
    vn_qmp *qmp;               /* the connection, kept for --foreground */
    bool warming;              /* keep_warm ran (launch_qmp.c) ... */
    uint64_t warm_since_ns;    /* ... first at this time */
} vn_ap_launch;

VN_DEFINE_AUTOCLEAR(vn_qmp_cpu_list, vn_qmp_cpu_list_clear)
VN_DEFINE_AUTOCLEAR(vn_qmp_iothread_list, vn_qmp_iothread_list_clear)
VN_DEFINE_AUTOCLEAR(vn_qmp_hotpluggable_cpu_list, vn_qmp_hotpluggable_cpu_list_clear)

void vn_ap_launch_clear(vn_ap_launch *l);
VN_DEFINE_AUTOCLEAR(vn_ap_launch, vn_ap_launch_clear)

/* After exec: QMP, vCPU and iothread cgroups and affinity, cont; the
 * entry marked running.  Undo steps go on l->u. */
int vn_ap_launch_qmp(vn_ap_launch *l, vn_error *err);
/* --foreground: wait for QEMU (SIGINT/SIGTERM ask it to quit), then clean
 * up as stop does; *exit_status is QEMU's (128+N for signal N). */
int vn_ap_launch_wait(vn_ap_launch *l, int *exit_status, vn_error *err);

#endif
