/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The exception path of one netif: AF_XDP sockets receiving what XDP hands
 * up, the egress ring buffer, the filter chain, client channels and
 * re-injection. See docs/exception-path.md.
 */
#ifndef NETIFD_EXCEPTION_H
#define NETIFD_EXCEPTION_H

#include <stdbool.h>
#include "nlproto.h"
#include "rtnl.h"

struct agent;
struct netif;
struct exc_netif;

/*
 * Bring the exception path up or down to match the configuration (flows
 * with action port/exception, default action exception, filters, channels)
 * and set the fast path's flags. Call after every such change; on error the
 * caller undoes the change.
 */
int exception_sync(struct netif *nif, struct netif_extack *ext);
/* Rebuild the filter chain from pins and restart the path (agent restart). */
int exception_adopt(struct netif *nif);
/* Fold the per-frame counters into the pinned agent_stats map. */
void exception_flush_stats(struct netif *nif);
/* Periodic work: counters, capture files. */
void exception_tick(struct agent *ag);

/* Open channels (client ports and filter channels) of the netif. */
unsigned int exception_channel_count(struct netif *nif);
/* Tear down every socket, channel and filter of the netif. */
void exception_netif_fini(struct netif *nif);
/* Relay link changes (advisory) and detach to channel clients. */
void exception_notify_link(struct netif *nif, const struct link_info *li);
void exception_notify_detach(struct netif *nif);

#endif
