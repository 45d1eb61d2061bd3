// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Channel rings written by a hostile client or filter process: the input
 * becomes the whole shared region's rings (slot headers and bytes) and
 * the other side's indexes, then netifd consumes the TX ring as
 * exc_datapath.c does (chan_tx_take: one copy, checked; an external
 * filter's returned cookie; the client-transmit check with the packet
 * parser and a port flow's reverse), produces into the RX ring against a
 * hostile tail (chan_push), and a client library consumer reads the RX
 * ring against a hostile head (netif_ring.h). Nothing may be read or
 * written outside the region or the copies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netif/ring.h"
#include "userspace/netifd/channel.h"
#include "userspace/netifd/filter.h"
#include "userspace/netifd/flow.h"
#include "userspace/netifd/agent.h"

#define SLOTS 8
#define BUF 256

static struct chan *c;
static struct filter *f;
static struct netif nif;
static struct flow_rec rec;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct chan_params p = { .port = 2, .rx_slots = SLOTS, .tx_slots = SLOTS, .buf_size = BUF,
				 .mac = mac, .mtu = 1500 };

	if (chan_create(&p, &c))
		abort();
	f = filter_external_new("fuzz", c, 2 * SLOTS);
	if (!f)
		abort();
	f->id = 1;
	/* port 2 has one flow: UDP to 10.0.0.1:7000; its client may answer it */
	rec.spec.type = NETIF_FLOW_TUPLE;
	rec.spec.family = 4;
	rec.spec.proto = 17;
	rec.spec.dst[0] = __builtin_bswap32(0x0a000001);
	rec.spec.dport = 7000;
	rec.spec.mask = NETIF_TUPLE_M_DST | NETIF_TUPLE_M_DPORT;
	rec.spec.action = NETIF_ACTION_PORT;
	rec.spec.port = 2;
	nif.flows.by_port[2] = &rec;
	memcpy(nif.cfg.mac, mac, 6);
	return 0;
}

struct head {
	uint32_t tx_head;  /* added to netifd's own TX tail */
	uint32_t rx_tail;  /* added to netifd's own RX head */
	uint32_t rx_head;  /* the RX head a client library consumer reads */
	uint8_t pushes;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *tx0 = (uint8_t *)ring_slot(&c->tx, 0), *rx0 = (uint8_t *)ring_slot(&c->rx, 0);
	size_t ring_bytes = (size_t)SLOTS * c->tx.slot_size;
	static uint8_t frame[NETIF_BUF_SIZE_MAX];
	const uint8_t payload[64] = { 0x45 };
	struct exc_pkt pkt = { .data = payload, .len = sizeof(payload) };
	struct netif_slot hdr, state;
	struct ring_view client_rx;
	struct head h = {};
	int i, ret;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	/* frames netifd handed the filter, so some cookies are good */
	for (i = 0; i < (h.pushes & 3); i++) {
		struct filter *at;
		struct filter_chain chain = { .head = f, .n = 1 };

		__atomic_store_n(c->rx.tail, c->rx.own, __ATOMIC_RELEASE); /* the client took all */
		filter_chain_run(&chain, NULL, &pkt, &at);
	}
	/* the client's side of everything: slots, bytes, indexes */
	memcpy(tx0, data, size < ring_bytes ? size : ring_bytes);
	if (size > ring_bytes)
		memcpy(rx0, data + ring_bytes, size - ring_bytes < ring_bytes ? size - ring_bytes : ring_bytes);
	__atomic_store_n(c->tx.head, c->tx.own + h.tx_head, __ATOMIC_RELEASE);
	__atomic_store_n(c->rx.tail, c->rx.own + h.rx_tail, __ATOMIC_RELEASE);

	for (i = 0; i < 2 * SLOTS && (ret = chan_tx_take(c, &hdr, frame, sizeof(frame))); i++) {
		if (ret < 0)
			continue;
		if (hdr.len > BUF)
			abort();
		if (filter_held_take(f, hdr.cookie, &state) == 0 && state.cookie != hdr.cookie)
			abort();
		flow_port_matches_tx(&nif, 2, frame, hdr.len);
	}
	for (i = 0; i < 2; i++)
		chan_push(c, &pkt.hdr, payload, sizeof(payload));

	/* a client library consumer of the RX ring, its head the other side's word */
	ring_view_init(&client_rx, c->reg, &c->reg->rx, c->reg->rx.offset, SLOTS, c->rx.slot_size,
		       c->rx.own);
	__atomic_store_n(c->rx.head, c->rx.own + h.rx_head, __ATOMIC_RELEASE);
	for (i = 0; i < 2 * SLOTS; i++) {
		const struct netif_slot *s = ring_cons_peek(&client_rx);

		if (!s)
			break;
		if ((const uint8_t *)s < rx0 || (const uint8_t *)s + c->rx.slot_size > rx0 + ring_bytes)
			abort();
		ring_cons_release(&client_rx);
	}
	/* put netifd's published RX head back: it is netifd's own index */
	__atomic_store_n(c->rx.head, c->rx.own, __ATOMIC_RELEASE);
	return 0;
}
