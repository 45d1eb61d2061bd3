/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The egress hook: the TC program on clsact egress of the attached device.
 * clsact is created only when absent and removed only if we created it and
 * nothing else uses it, so detach leaves the device as attach found it.
 */
#ifndef NETIFD_EGRESS_H
#define NETIFD_EGRESS_H

#include "extack.h"

struct netif;

/* Filter handle and priority of our clsact egress filter ("NI"). */
#define NETIF_TC_HANDLE 0x4e49
#define NETIF_TC_PRIORITY 0xc000

int egress_attach(struct netif *nif, struct netif_extack *ext);
void egress_detach(struct netif *nif);
/* Swap in an upgraded TC program (fd taken over), atomically (BPF_TC_F_REPLACE). */
int egress_upgrade(struct netif *nif, int prog_fd);
/* Verify (and if needed restore) the filter of a re-adopted netif. */
int egress_adopt(struct netif *nif);
void egress_release(struct netif *nif);

#endif
