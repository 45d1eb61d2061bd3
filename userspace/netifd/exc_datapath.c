// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exception data path of a netif: what XDP hands up arrives on AF_XDP
 * sockets (one per RX queue), what TC hands up on the egress ring buffer,
 * what clients and external filters send back on their channel rings.
 * Every frame goes through the filter chain, then to a client channel,
 * back into the host stack (re-injection) or out of the device (AF_XDP TX).
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "netif/maps.h"
#include "exc_priv.h"
#include "flow.h"
#include "log.h"
#include "reinject.h"
#include "segment.h"
#include "xsk.h"

#define RX_BUDGET 256
#define RX_ROUNDS 16

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- delivery ----------------------------------------------------------- */

static void xmit(struct exc_netif *e, const void *data, uint32_t len)
{
	/* every queue's socket can transmit; the first one is always there */
	if (!e->nq || xskq_tx(e->qs[0]->q, data, len)) {
		e->pend.exc_tx_fail++;
		return;
	}
	e->pend.exc_tx++;
}

static void deliver(struct exc_netif *e, const struct exc_pkt *p)
{
	if (p->hdr.dir) {
		/* a mirrored copy's original is on the wire already */
		if (!p->mirror)
			xmit(e, p->data, p->len);
		return;
	}
	if (p->hdr.action == NETIF_ACTION_PORT) {
		struct chan *c = p->hdr.port < NETIF_PORT_MAX ? e->ports[p->hdr.port] : NULL;

		if (!c) {
			e->pend.chan_rx_no_client++;
			return;
		}
		if (chan_push(c, &p->hdr, p->data, p->len))
			e->pend.chan_rx_ring_full++;
		else
			e->pend.chan_rx++;
		return;
	}
	if (reinject_queue(e->nif, p->data, p->len))
		e->pend.reinject_fail++;
}

/* Through the filter chain (from the head, or after a filter that gave it back), then on. */
static void dispatch(struct exc_netif *e, struct exc_pkt *p, const struct filter *after)
{
	struct filter *at = NULL;

	if (e->chain.n) {
		if (!after)
			e->pend.filter_rx++;
		switch (filter_chain_run(&e->chain, after, p, &at)) {
		case FILTER_DROP:
			e->pend.filter_drop++;
			return;
		case FILTER_PENDING:
			return;
		case FILTER_PASS:
			break;
		}
	}
	deliver(e, p);
}

/* End of a batch: push out what was queued, wake who needs waking. */
static void batch_done(struct exc_netif *e)
{
	uint32_t failed;
	unsigned int i;
	int n;

	n = reinject_flush(e->nif, &failed);
	if (n > 0)
		e->pend.reinject_rx += n;
	e->pend.reinject_fail += failed;
	if (e->nq)
		xskq_tx_flush(e->qs[0]->q);
	for (i = NETIF_PORT_CLIENT_MIN; i < NETIF_PORT_MAX; i++)
		if (e->ports[i])
			chan_signal(e->ports[i]);
	filter_chain_flush(&e->chain);
}

/* ---- ingress: AF_XDP ------------------------------------------------------ */

static void on_frame(void *ctx, const uint8_t *frame, uint32_t len,
		     const struct netif_xdp_meta *meta)
{
	struct exc_netif *e = ctx;
	struct exc_pkt p = { .data = frame, .len = len };

	e->pend.exc_rx++;
	e->pend.exc_rx_bytes += len;
	p.hdr.tstamp_ns = now_ns();
	p.hdr.dir = 0;
	if (meta) {
		p.hdr.flow_id = meta->flow_id;
		p.hdr.llink = meta->llink;
		p.hdr.reason = meta->reason;
		p.hdr.action = meta->action;
		p.hdr.port = meta->port;
	} else {
		/* cannot happen with our program; never lose the frame over it */
		p.hdr.flow_id = NETIF_NO_FLOW;
		p.hdr.action = NETIF_ACTION_PASS;
	}
	dispatch(e, &p, NULL);
}

void exc_on_xsk(struct ev_handler *h, uint32_t events)
{
	struct xsk_slot *s = (struct xsk_slot *)h;
	unsigned int round;

	/*
	 * Drain a while before flushing: re-injection costs per call, so the
	 * bigger the batch the better; the bound keeps the control socket and
	 * the other queues responsive under a flood.
	 */
	for (round = 0; round < RX_ROUNDS; round++)
		if (xskq_rx(s->q, RX_BUDGET, on_frame, s->exc) < RX_BUDGET)
			break;
	batch_done(s->exc);
}

/* ---- egress: the TC program's ring buffer ---------------------------------- */

/*
 * One record of the egress ring: a copy the TC program made, stolen (sent
 * on after the chain) or mirrored (the original went on: the chain only
 * observes). A GSO packet is split into the frames the kernel would have
 * sent, and each goes through the chain as a frame of its own: filters,
 * captures and the wire see the same packets.
 */
struct egress_ctx {
	struct exc_netif *e;
	struct exc_pkt *p;
};

static void egress_segment(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct egress_ctx *c = ctx;

	c->p->data = frame;
	c->p->len = len;
	c->e->pend.egress_segments++;
	dispatch(c->e, c->p, NULL);
}

int exc_on_egress_record(void *ctx, void *data, size_t size)
{
	static uint8_t frame[NETIF_EXC_MAX_FRAME];
	struct exc_netif *e = ctx;
	struct netif_exc_hdr h;
	struct exc_pkt p = {};
	const uint8_t *pkt = (const uint8_t *)data + sizeof(h);
	int n;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	if (h.len > size - sizeof(h) || h.len > sizeof(frame))
		return 0;
	e->pend.egress_exc_rx++;
	p.mirror = h.flags & NETIF_EXC_F_MIRROR;
	if (p.mirror)
		e->pend.egress_mirrored++;
	p.hdr.tstamp_ns = now_ns();
	p.hdr.dir = 1;
	p.hdr.flow_id = h.flow_id;
	p.hdr.llink = h.llink;
	p.hdr.reason = h.reason;
	p.hdr.action = NETIF_ACTION_PASS;
	if (h.gso_size) {
		struct egress_ctx c = { e, &p };

		/* segments are built from the ring's read-only copy; their checksums from scratch */
		n = segment_gso(pkt, h.len, h.gso_size, frame, sizeof(frame), egress_segment, &c);
		if (n < 0)
			e->pend.egress_seg_fail++;
		else
			e->pend.egress_segmented++;
		return 0;
	}
	p.data = pkt;
	p.len = h.len;
	if (h.csum_partial) {
		/* the ring is mapped read-only: finish the checksum on a copy */
		memcpy(frame, pkt, h.len);
		if (csum_finish(frame, h.len, h.csum_start, h.csum_offset))
			p.data = frame;
	}
	dispatch(e, &p, NULL);
	return 0;
}

void exc_on_egress(struct ev_handler *h, uint32_t events)
{
	struct exc_netif *e = ((struct egress_handler *)h)->exc;

	exc_egress_fresh(e);
	ring_buffer__consume(e->egress);
	batch_done(e);
}

/* ---- channels: what clients and external filters send back ---------------- */

/*
 * Everything below works on netifd's own copy of a slot (chan_tx_take):
 * the client or filter process may rewrite its ring at any moment.
 */

/* XNU's checks on a client port's transmissions: our source MAC, a flow's reverse. */
static bool client_tx_valid(struct exc_netif *e, struct chan *c, const uint8_t *frame, uint32_t len)
{
	if (len < 14 || (frame[6] & 1) || memcmp(frame + 6, e->nif->cfg.mac, 6) != 0)
		return false;
	return flow_port_matches_tx(e->nif, c->port, frame, len);
}

/*
 * A frame back from an external filter: only its verdict and bytes are the
 * filter's word; where the frame was going is what netifd recorded when it
 * handed the frame over.
 */
static void filter_returned(struct exc_netif *e, struct chan *c, const struct netif_slot *s,
			    const uint8_t *data)
{
	struct filter *f = filter_chain_find(&e->chain, (uint32_t)s->cookie);
	struct exc_pkt p = {};

	if (!f || f->chan != c || filter_held_take(f, s->cookie, &p.hdr)) {
		e->pend.filter_drop++;
		return;
	}
	if (s->verdict != NETIF_VERDICT_PASS) {
		f->drops++;
		e->pend.filter_drop++;
		return;
	}
	p.data = data;
	p.len = s->len;
	dispatch(e, &p, f);
}

void exc_on_chan_tx(struct ev_handler *h, uint32_t events)
{
	static uint8_t frame[NETIF_BUF_SIZE_MAX];
	struct chan *c = (struct chan *)h;
	struct exc_netif *e = c->exc;
	struct netif_slot s;
	unsigned int n = 0;
	uint64_t v;
	int ret;

	if (read(c->tx_efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	while (n++ < RX_BUDGET && (ret = chan_tx_take(c, &s, frame, sizeof(frame)))) {
		if (ret < 0) {
			c->tx_drops++;
			e->pend.chan_tx_invalid++;
		} else if (c->filter) {
			filter_returned(e, c, &s, frame);
		} else if (client_tx_valid(e, c, frame, s.len)) {
			c->tx_packets++;
			e->pend.chan_tx++;
			xmit(e, frame, s.len);
		} else {
			c->tx_drops++;
			e->pend.chan_tx_invalid++;
		}
	}
	/* more than one budget's worth: come back for the rest */
	if (ring_count(&c->tx)) {
		v = 1;
		if (write(c->tx_efd, &v, sizeof(v)) < 0)
			pr_debug("cannot re-arm channel %u: %s", c->port, strerror(errno));
	}
	batch_done(e);
}
