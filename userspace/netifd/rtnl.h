/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* rtnetlink over libmnl: link queries and the link event monitor. */
#ifndef NETIFD_RTNL_H
#define NETIFD_RTNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rtnl_talk.h"

struct link_info {
	int ifindex;
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t num_rx_queues;
	uint32_t num_tx_queues;
	uint16_t type;          /* ARPHRD_* */
	bool up;                /* IFF_UP */
	bool running;           /* IFF_RUNNING (carrier) */
};

/*
 * Queues actually in use (ethtool channels), which is what AF_XDP binds to
 * and what TX queue selection spreads over; IFLA_NUM_*_QUEUES is only what
 * the device allocated. Leaves the values alone when the driver does not say.
 */
void link_real_queues(const char *ifname, uint32_t *rx, uint32_t *tx);

/* Look up a link by name (ifindex 0) or by index. -ENODEV when absent. */
int rtnl_link_get(int ifindex, const char *name, struct link_info *li);

struct rtnl_monitor;
typedef void (*rtnl_link_cb)(const struct link_info *li, bool deleted, void *data);

struct rtnl_monitor *rtnl_monitor_open(void);
int rtnl_monitor_fd(struct rtnl_monitor *m);
/* Read pending events and call cb for each link message. */
int rtnl_monitor_read(struct rtnl_monitor *m, rtnl_link_cb cb, void *data);
void rtnl_monitor_close(struct rtnl_monitor *m);

#endif
