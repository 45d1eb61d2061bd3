/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The exception path of one netif: AF_XDP sockets receiving what XDP hands
 * up, the egress ring buffer, the filter chain, client channels and
 * re-injection. See docs/exception-path.md. Netlink-free: the protocol
 * rooms (ctl_filter.c, ctl_port.c) call these.
 */
#ifndef NETIFD_EXCEPTION_H
#define NETIFD_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>
#include "extack.h"
#include "rtnl.h"

struct agent;
struct netif;
struct chan;
struct chan_owner;
struct chan_params;
struct filter;
struct txn;

/*
 * Bring the exception path up or down to match the configuration (flows
 * with action port/exception, default action exception, filters, channels)
 * and set the fast path's flags. Call after every such change. With a
 * transaction, an abort brings the path back in line with what remains.
 */
int exception_sync(struct netif *nif, struct txn *t, struct netif_extack *ext);
/* Rebuild the filter chain from pins and restart the path (agent restart). */
int exception_adopt(struct netif *nif);
/* Fold the per-frame counters into the pinned agent_stats map. */
void exception_flush_stats(struct netif *nif);
/* Periodic work: counters, capture files. */
void exception_tick(struct agent *ag);
/* On every turn of the loop: the heartbeat the TC program checks (tc/liveness.bpf.h). */
void exception_heartbeat(struct agent *ag);
/* Tear down every socket, channel and filter of the netif. */
void exception_netif_fini(struct netif *nif);
/* The owner of c is gone: close the channel (and its filter) and resync the path. */
void exception_chan_gone(struct chan *c);

/*
 * ---- channels and filters (exc_chan.c) ----
 * These change what the path must do; the caller brings it in line with
 * exception_sync() in the same transaction.
 */

/* The sizes a new channel of nif gets unless the client asks otherwise. */
void exception_chan_defaults(struct netif *nif, struct chan_params *p);
/* Bind client port p->port to a new channel held by owner, as a step of t. */
int exception_port_open(struct netif *nif, const struct chan_params *p, struct chan_owner *owner,
			struct txn *t, struct chan **out, struct netif_extack *ext);
/* Join an external filter process (a new channel held by owner) to the chain, as a step of t. */
int exception_filter_open(struct netif *nif, const char *name, const struct chan_params *p,
			  struct chan_owner *owner, struct txn *t, struct chan **out,
			  struct netif_extack *ext);
/* Open channels (client ports and filter channels) of the netif. */
unsigned int exception_channel_count(struct netif *nif);
/* The channel bound to a client port, or NULL. */
const struct chan *exception_port(struct netif *nif, unsigned int port);

/* Add a built-in filter (pcap, count, drop) at the end of the chain, as a step of t. */
int exception_filter_add(struct netif *nif, int kind, const char *arg, uint8_t dirs, struct txn *t,
			 uint32_t *id, struct netif_extack *ext);
int exception_filter_del(struct netif *nif, uint32_t id, struct netif_extack *ext);
/* The chain, in order: first, then f->next. */
const struct filter *exception_filters(struct netif *nif);

#endif
