// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include "agent.h"
#include "exception.h"
#include "handlers.h"

unsigned int exception_channel_count(struct netif *nif)
{
	return 0;
}

void exception_netif_fini(struct netif *nif)
{
}

void exception_notify_link(struct netif *nif, const struct link_info *li)
{
}

void exception_notify_detach(struct netif *nif)
{
}

void ctl_conn_closed(struct ctl_conn *c)
{
}

#define TODO(name) int name(struct ctl_req *r) { netif_extack_set(&r->ext, "not yet"); return -EOPNOTSUPP; }
TODO(h_filter_add)
TODO(h_filter_del)
TODO(h_filter_get)
TODO(h_channel_open)
TODO(h_filter_open)
TODO(h_port_get)
