/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A channel: the shared-memory RX/TX rings (memfd) and two eventfds netifd
 * hands to a client process over the control socket (SCM_RIGHTS). Client
 * ports and external filters both use one.
 */
#ifndef NETIFD_CHANNEL_H
#define NETIFD_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "netif_ring.h"
#include "extack.h"
#include "loop.h"

struct exc_netif;
struct filter;
struct netif_event;

/*
 * Who holds a channel, as the room that handed it out provides it: hears
 * the netif's events, and is told when the channel is gone (closed by the
 * agent, or because the owner went away and said so).
 */
struct chan_owner {
	void (*event)(struct chan_owner *o, const struct netif_event *ev);
	void (*release)(struct chan_owner *o);
	pid_t pid;
};

struct chan {
	struct ev_handler txh;          /* the TX eventfd: the client has frames for us */
	struct chan_owner *owner;
	struct exc_netif *exc;
	uint32_t port;                  /* client port; 0 for a filter channel */
	struct filter *filter;          /* set for a filter channel */
	pid_t pid;
	int memfd, rx_efd, tx_efd;
	struct netif_chan_region *reg;
	size_t size;
	struct ring_view rx, tx;
	uint32_t buf_size;
	bool rx_kick;                   /* frames pushed since the last signal */
	bool announced;                 /* its opening was published (its closing will be) */
	uint64_t rx_packets, rx_drops, tx_packets, tx_drops;
	struct chan *next;              /* all channels of the agent */
};

struct chan_params {
	uint32_t port;
	uint32_t rx_slots, tx_slots, buf_size;
	const uint8_t *mac;
	uint32_t mtu;
};

/* The channel sizes a client asked for, against the provider ranges (rings of powers of two). */
int chan_params_check(const struct chan_params *p, struct netif_extack *ext);
int chan_create(const struct chan_params *p, struct chan **out);
void chan_destroy(struct chan *c);
/* Copy a frame into the RX ring. -ENOBUFS when full (counted), -EMSGSIZE when too big. */
int chan_push(struct chan *c, const struct netif_slot *hdr, const void *data, uint32_t len);
/*
 * Take the oldest frame of the TX ring (the client's or filter's) into
 * netifd's own memory: the slot header into *hdr and hdr->len bytes into
 * data[0..cap), each copied once, then the slot is released. The client
 * may rewrite the slot at any time, so only the copies may be used.
 * Returns 1 with a frame, 0 when the ring is empty, -EMSGSIZE when the
 * slot claims more than a slot holds (the slot is released).
 */
int chan_tx_take(struct chan *c, struct netif_slot *hdr, uint8_t *data, size_t cap);
/* Wake the client if frames were pushed since the last call. */
void chan_signal(struct chan *c);

#endif
