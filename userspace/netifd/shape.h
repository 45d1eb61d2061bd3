/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Egress shaping: a root HTB qdisc (handle 1:) installed on demand, one
 * class per shaped flow, qset or the whole netif; the TC program steers a
 * packet to its class through skb->priority. The root is only taken when
 * the kernel's default qdisc holds it, and given back when unused.
 */
#ifndef NETIFD_SHAPE_H
#define NETIFD_SHAPE_H

#include <stdint.h>
#include "extack.h"

struct netif;

int shape_netif_check(struct netif *nif, uint64_t rate, struct netif_extack *ext);
/* rate 0 removes netif-wide shaping. */
int shape_netif_set(struct netif *nif, uint64_t rate, struct netif_extack *ext);
int shape_flow_add(struct netif *nif, uint64_t rate, uint32_t *classid, struct netif_extack *ext);
int shape_qset_add(struct netif *nif, uint16_t qslot, uint64_t rate, uint32_t *classid,
		   struct netif_extack *ext);
void shape_qset_del(struct netif *nif, uint16_t qslot);
void shape_class_del(struct netif *nif, uint32_t classid);
uint64_t shape_class_rate(struct netif *nif, uint32_t classid);
/* Rebuild from the kernel's HTB classes (agent restart). */
int shape_adopt(struct netif *nif);
/* Remove every class and the root qdisc if we installed it. */
void shape_fini(struct netif *nif);
/* Forget our state, leave the kernel's alone. */
void shape_release(struct netif *nif);

#endif
