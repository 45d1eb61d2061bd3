/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Control command handlers, one per netif_cmd; each returns 0 or -errno with r->ext set. */
#ifndef NETIFD_HANDLERS_H
#define NETIFD_HANDLERS_H

#include "control.h"

int h_attach(struct ctl_req *r);
int h_detach(struct ctl_req *r);
int h_get(struct ctl_req *r);
int h_set(struct ctl_req *r);
int h_flow_add(struct ctl_req *r);
int h_flow_del(struct ctl_req *r);
int h_flow_get(struct ctl_req *r);
int h_stats_get(struct ctl_req *r);
int h_llink_add(struct ctl_req *r);
int h_llink_del(struct ctl_req *r);
int h_llink_get(struct ctl_req *r);
int h_filter_add(struct ctl_req *r);
int h_filter_del(struct ctl_req *r);
int h_filter_get(struct ctl_req *r);
int h_channel_open(struct ctl_req *r);
int h_filter_open(struct ctl_req *r);
int h_port_get(struct ctl_req *r);

/* The netif named by NETIF_A_IFNAME, or an ENXIO/EINVAL error in r->ext. */
int ctl_req_netif(struct ctl_req *r, struct netif **out);

#endif
