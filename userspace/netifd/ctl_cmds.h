/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Starting the control socket with the protocol rooms' command table (ctl_cmds.c). */
#ifndef NETIFD_CTL_CMDS_H
#define NETIFD_CTL_CMDS_H

struct agent;

/* Serve the netif protocol on the unix socket at path for the agent. */
int ctl_start(const char *path, struct agent *ag);
void ctl_stop(void);
/* Members of group name may change state too (before ctl_start); -ENOENT if unknown. */
int ctl_set_admin_group(const char *name);
/* Periodic work of the control socket. */
void ctl_tick(void);

#endif
