/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libnetif client channels: open a channel to a client port (or join a
 * netif's filter chain as an external filter), receive the frames netifd
 * copies into the shared RX ring, send frames through the TX ring.
 *
 *   struct netif_channel *ch;
 *   netif_channel_open(NULL, "eth0", 2, &ch, err, sizeof(err));
 *   while (netif_channel_wait(ch, -1) > 0)
 *       for (s = netif_channel_rx_peek(ch); s; s = netif_channel_rx_peek(ch)) {
 *           use(s->data, s->len);
 *           netif_channel_rx_release(ch);
 *       }
 *   netif_channel_close(ch);
 *
 * The channel lives as long as its control connection: closing it (or the
 * process dying) unbinds the port.
 */
#ifndef NETIF_CHANNEL_H
#define NETIF_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netif/ring.h"

struct netif_channel;

struct netif_channel_info {
	uint32_t port;       /* 0 for a filter channel */
	uint32_t rx_slots, tx_slots, buf_size;
	uint8_t mac[6];      /* the netif's MAC address */
	uint32_t mtu;
};

struct netif_event {
	uint8_t kind;        /* enum netif_event_kind */
	bool up;
	uint32_t mtu;
	uint8_t mac[6];
};

/* sock NULL: the default socket. rx_slots/tx_slots 0: the netif's provider parameters. */
int netif_channel_open(const char *sock, const char *ifname, uint32_t port, uint32_t rx_slots,
		       uint32_t tx_slots, struct netif_channel **out, char *err, size_t errlen);
int netif_filter_channel_open(const char *sock, const char *ifname, const char *name,
			      struct netif_channel **out, char *err, size_t errlen);
void netif_channel_close(struct netif_channel *ch);
void netif_channel_get_info(const struct netif_channel *ch, struct netif_channel_info *info);

/*
 * Wait up to timeout_ms (-1: forever) for frames or an event. Returns 1 when
 * frames are ready, 0 on timeout, 2 when an event is waiting
 * (netif_channel_event), -ENOTCONN when netifd closed the channel.
 */
int netif_channel_wait(struct netif_channel *ch, int timeout_ms);
/* Descriptors to poll yourself: frames (eventfd) and events/EOF (control socket). */
int netif_channel_rx_fd(const struct netif_channel *ch);
int netif_channel_ctl_fd(const struct netif_channel *ch);

/* The oldest received frame, left in the ring until released; NULL when none. */
const struct netif_slot *netif_channel_rx_peek(struct netif_channel *ch);
void netif_channel_rx_release(struct netif_channel *ch);

/* Copy a frame into the TX ring and wake netifd. -ENOBUFS: ring full; -EMSGSIZE: too big. */
int netif_channel_send(struct netif_channel *ch, const void *frame, uint32_t len);
/*
 * Frames sent that netifd has not taken from the TX ring yet: wait for 0
 * before closing a channel, or what is still in the ring goes with it.
 */
unsigned int netif_channel_tx_pending(const struct netif_channel *ch);
/*
 * Filter channels: give a received frame back with a verdict; data/len
 * replace the frame when data is not NULL (a rewriting filter).
 */
int netif_filter_return(struct netif_channel *ch, const struct netif_slot *in,
			enum netif_verdict verdict, const void *data, uint32_t len);

/* Read one pending event. 0, -EAGAIN when none, -ENOTCONN at EOF. */
int netif_channel_event(struct netif_channel *ch, struct netif_event *ev);

#endif
