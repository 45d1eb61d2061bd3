/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the protocol rooms (ctl_*.c) share: each room turns requests of its
 * concern into calls of a netlink-free domain room and answers them, and
 * exports its rows of the command table; ctl_cmds.c assembles the table
 * the transport (control.c) is started with.
 */
#ifndef NETIFD_CTL_H
#define NETIFD_CTL_H

#include <stddef.h>
#include "agent.h"
#include "control.h"
#include "flow.h"
#include "llink.h"

#define A(x) NETIF_ATTR_BIT(x)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A command and its row, as a room exports it. */
struct ctl_row {
	uint8_t cmd;
	struct ctl_cmd def;
};

struct ctl_rows {
	const struct ctl_row *rows;
	size_t n;
};

extern const struct ctl_rows ctl_netif_rows, ctl_flow_rows, ctl_llink_rows, ctl_filter_rows,
	ctl_port_rows, ctl_monitor_rows, ctl_config_rows;

/* Fill table[0..NETIF_CMD_MAX] from every room's rows; -EEXIST if two rooms claim one command. */
int ctl_cmds_build(struct ctl_cmd table[NETIF_CMD_MAX + 1]);

static inline struct agent *ctl_agent(const struct ctl_req *r)
{
	return r->ctx;
}

/* The netif named by NETIF_A_IFNAME (required by the command), or ENXIO in r->ext. */
int ctl_req_netif(struct ctl_req *r, struct netif **out);
/* Parse a nest of the request with pol, requiring the attributes in required. */
int ctl_nest(struct ctl_req *r, const struct nlattr *nest, const struct netif_attr_policy *pol,
	     int maxtype, uint64_t required, const struct nlattr **tb);

/* ---- handing out channels (ctl_chan.c) ---- */
struct chan;
struct chan_owner;
struct chan_params;
struct netif_event;
struct txn;

/* The channel sizes: the netif's defaults, or what NETIF_A_CHANNEL asks for. */
int ctl_chan_params(struct ctl_req *r, struct netif *nif, struct chan_params *p);
/* Opens a channel of nif held by owner (a domain call: a port, a filter), as a step of t. */
typedef int (*ctl_chan_open_fn)(struct netif *nif, const struct chan_params *p,
				struct chan_owner *owner, const void *arg, struct txn *t,
				struct chan **out, struct netif_extack *ext);
/*
 * Hand a new channel to the requesting peer, all or nothing: open it with
 * an owner bound to the connection, bring the exception path in line, and
 * answer CHANNEL_OPEN with the region and eventfds attached.
 */
int ctl_chan_open(struct ctl_req *r, struct netif *nif, const struct chan_params *p,
		  ctl_chan_open_fn open, const void *arg);
/* Encode a domain event (ifname, NETIF_A_EVENT and the object's nest) into nlh (ctl_monitor.c). */
void ctl_event_put(struct nlmsghdr *nlh, const struct netif_event *ev);
/* Room an encoded event may take. */
#define CTL_EVENT_MAX 2048

/* Encode a flow as a NETIF_A_FLOW nest, with its counters unless st is NULL (ctl_flow.c). */
void ctl_flow_put(struct nlmsghdr *nlh, const struct flow_rec *r, const struct netif_flow_stats *st);
/* Decode and validate a NETIF_A_FLOW nest (ctl_flow.c). Pure: no state is touched. */
int flow_spec_from_attr(const struct nlattr *nest, struct flow_spec *fs, struct netif_extack *ext);
/* Decode a NETIF_A_LLINK nest into cfg (ctl_llink.c). Pure. */
int llink_config_from_attr(const struct nlattr *nest, struct llink_config *cfg,
			   struct netif_extack *ext);

#endif
