/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The exception path of one netif: AF_XDP sockets receiving what XDP hands
 * up, the egress ring buffer, the filter chain, client channels and
 * re-injection. See docs/exception-path.md.
 */
#ifndef NETIFD_EXCEPTION_H
#define NETIFD_EXCEPTION_H

#include <stdbool.h>
#include "rtnl.h"

struct netif;
struct exc_netif;

/* Open channels (client ports and filter channels) of the netif. */
unsigned int exception_channel_count(struct netif *nif);
/* Tear down every socket, channel and filter of the netif. */
void exception_netif_fini(struct netif *nif);
/* Relay link changes (advisory) and detach to channel clients. */
void exception_notify_link(struct netif *nif, const struct link_info *li);
void exception_notify_detach(struct netif *nif);

#endif
