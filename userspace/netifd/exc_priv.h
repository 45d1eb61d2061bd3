/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The state of one netif's exception path, shared by its three rooms and
 * nobody else: exception.c (lifecycle: sockets up and down, counters,
 * adoption), exc_datapath.c (frames in and out) and exc_chan.c (channels
 * and filters).
 */
#ifndef NETIFD_EXC_PRIV_H
#define NETIFD_EXC_PRIV_H

#include <stdbool.h>
#include <linux/if_xdp.h>
#include "netif/stats.h"
#include "agent.h"
#include "channel.h"
#include "filter.h"
#include "liveness.h"
#include "loop.h"

struct ring_buffer;

struct xsk_slot {
	struct ev_handler h;
	struct xsk_queue *q;
	struct exc_netif *exc;
	uint32_t qid;
	struct xdp_statistics last;
};

struct egress_handler {
	struct ev_handler h;
	struct exc_netif *exc;
};

struct exc_netif {
	struct netif *nif;
	bool active;
	unsigned int nq;
	struct xsk_slot *qs[NETIF_MAX_XSK_QUEUES];
	bool zerocopy;
	struct ring_buffer *egress;
	struct egress_handler *egress_h;
	struct liveness live;           /* the heartbeat the TC program checks */
	struct filter_chain chain;
	struct chan *ports[NETIF_PORT_MAX];
	unsigned int nchan;
	/* counters bumped per frame, folded into the pinned agent_stats map on each tick */
	struct netif_agent_stats pend;
};

/* The exception state of nif, created on first use (NULL only without memory). */
struct exc_netif *exc_of(struct netif *nif);

/* Event handlers of the data path (exc_datapath.c). */
void exc_on_xsk(struct ev_handler *h, uint32_t events);
int exc_on_egress_record(void *ctx, void *data, size_t size);
void exc_on_egress(struct ev_handler *h, uint32_t events);
void exc_on_chan_tx(struct ev_handler *h, uint32_t events);

/*
 * Before taking egress records: if the TC program went without us since
 * our last heartbeat (we were stopped or wedged), what is in the ring
 * waited too long to be sent: drop it (exception.c).
 */
void exc_egress_fresh(struct exc_netif *e);

/* Close a channel and forget it: port unbound, external filter out of the chain (exc_chan.c). */
void exc_close_channel(struct exc_netif *e, struct chan *c);
/* Close every channel of e (exc_chan.c). */
void exc_close_channels(struct exc_netif *e);
/* Rebuild the built-in filters of the chain from their pinned records (exc_chan.c). */
void exc_filters_adopt(struct exc_netif *e);
/* Save the built-in filters' counters in their pinned records (exc_chan.c). */
void exc_filters_persist(struct exc_netif *e);

#endif
