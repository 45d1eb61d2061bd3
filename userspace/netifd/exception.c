// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exception path of a netif: what XDP hands up arrives on AF_XDP
 * sockets (one per RX queue), what TC hands up on the egress ring buffer;
 * both go through the filter chain, then to a client channel, back into the
 * host stack (re-injection) or out of the device (AF_XDP TX). Sockets exist
 * only while something needs them (a port or exception flow, the default
 * action exception, a filter, an open channel).
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <uuid/uuid.h>
#include "netif/params.h"
#include "agent.h"
#include "channel.h"
#include "control.h"
#include "csum.h"
#include "exception.h"
#include "filter.h"
#include "handlers.h"
#include "log.h"
#include "reinject.h"
#include "xsk.h"

#define RX_BUDGET 256
#define RX_ROUNDS 16

struct xsk_slot {
	struct ev_handler h;
	struct xsk_queue *q;
	struct exc_netif *exc;
	uint32_t qid;
	struct xdp_statistics last;
};

/* Counters bumped per frame, folded into the pinned agent_stats map on each tick. */
struct exc_pending {
	uint64_t exc_rx, exc_rx_bytes, exc_tx, exc_tx_fail, egress_exc_rx;
	uint64_t filter_rx, filter_drop, filter_ext_timeout;
	uint64_t chan_rx, chan_rx_ring_full, chan_rx_no_client, chan_tx, chan_tx_invalid;
	uint64_t exc_ring_full, exc_fill_empty;
	uint64_t reinject_rx, reinject_fail;
};

struct egress_handler {
	struct ev_handler h;
	struct exc_netif *exc;
};

struct exc_netif {
	struct netif *nif;
	bool active;
	bool egress_active;
	unsigned int nq;
	struct xsk_slot *qs[NETIF_MAX_XSK_QUEUES];
	bool zerocopy;
	struct ring_buffer *egress;
	struct egress_handler *egress_h;
	struct filter_chain chain;
	struct chan *ports[NETIF_PORT_MAX];
	unsigned int nchan;
	struct exc_pending pend;
	bool offloads_off;
	uint32_t saved_tso, saved_gso;
};

static struct chan *all_chans;

/* ---- helpers ------------------------------------------------------------ */

static struct exc_netif *exc_of(struct netif *nif)
{
	if (!nif->exc) {
		nif->exc = calloc(1, sizeof(*nif->exc));
		if (nif->exc)
			nif->exc->nif = nif;
	}
	return nif->exc;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int ethtool_value(const char *ifname, uint32_t cmd, uint32_t *val)
{
	struct ethtool_value ev = { .cmd = cmd, .data = val ? *val : 0 };
	struct ifreq ifr = {};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		err = -errno;
	else if (val)
		*val = ev.data;
	close(fd);
	return err;
}

/*
 * Egress copies must fit a frame we can send back out: while the TC
 * program hands packets up, segmentation offloads are turned off so the
 * stack hands it MTU-sized packets (as XNU disables TSO with filters).
 * The previous settings are restored when no longer needed.
 */
static void offloads_off(struct exc_netif *e)
{
	uint32_t off = 0;

	if (e->offloads_off)
		return;
	if (ethtool_value(e->nif->ifname, ETHTOOL_GTSO, &e->saved_tso))
		e->saved_tso = 0;
	if (ethtool_value(e->nif->ifname, ETHTOOL_GGSO, &e->saved_gso))
		e->saved_gso = 0;
	if (e->saved_tso)
		ethtool_value(e->nif->ifname, ETHTOOL_STSO, &off);
	if (e->saved_gso)
		ethtool_value(e->nif->ifname, ETHTOOL_SGSO, &off);
	e->offloads_off = true;
}

static void offloads_restore(struct exc_netif *e)
{
	if (!e->offloads_off)
		return;
	if (e->saved_tso)
		ethtool_value(e->nif->ifname, ETHTOOL_STSO, &e->saved_tso);
	if (e->saved_gso)
		ethtool_value(e->nif->ifname, ETHTOOL_SGSO, &e->saved_gso);
	e->offloads_off = false;
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

static void on_xsk(struct ev_handler *h, uint32_t events)
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

static int on_egress_record(void *ctx, void *data, size_t size)
{
	static uint8_t frame[NETIF_EXC_MAX_FRAME];
	struct exc_netif *e = ctx;
	const struct netif_exc_hdr *h = data;
	struct csum_partial cp;
	struct exc_pkt p = {};

	if (size < sizeof(*h) || h->len > size - sizeof(*h) || h->len > sizeof(frame))
		return 0;
	e->pend.egress_exc_rx++;
	p.data = (const uint8_t *)(h + 1);
	p.len = h->len;
	/* the ring is mapped read-only: an unfinished checksum is finished on a copy */
	if (h->csum == NETIF_EXC_CSUM_PARTIAL) {
		memcpy(frame, h + 1, h->len);
		if (csum_finish_at(frame, h->len, h->csum_start, h->csum_offset))
			p.data = frame;
	} else if (h->csum == NETIF_EXC_CSUM_UNKNOWN && csum_partial_find(p.data, p.len, &cp)) {
		memcpy(frame, h + 1, h->len);
		csum_partial_finish(frame, &cp);
		p.data = frame;
	}
	p.hdr.tstamp_ns = now_ns();
	p.hdr.dir = 1;
	p.hdr.flow_id = h->flow_id;
	p.hdr.llink = h->llink;
	p.hdr.reason = h->reason;
	p.hdr.action = NETIF_ACTION_PASS;
	dispatch(e, &p, NULL);
	return 0;
}

static void on_egress(struct ev_handler *h, uint32_t events)
{
	struct exc_netif *e = ((struct egress_handler *)h)->exc;

	ring_buffer__consume(e->egress);
	batch_done(e);
}

/* ---- channels: what clients and external filters send back --------------- */

/* XNU's checks on a client port's transmissions: our source MAC, a flow's reverse. */
static bool client_tx_valid(struct exc_netif *e, struct chan *c, const uint8_t *frame, uint32_t len)
{
	if (len < 14 || (frame[6] & 1) || memcmp(frame + 6, e->nif->cfg.mac, 6) != 0)
		return false;
	return flow_port_matches_tx(e->nif, c->port, frame, len);
}

static void filter_returned(struct exc_netif *e, struct chan *c, const struct netif_slot *s)
{
	struct filter *f = filter_chain_find(&e->chain, (uint32_t)s->cookie);
	struct exc_pkt p;

	if (!f || f->chan != c || s->dir > 1 ||
	    (s->action != NETIF_ACTION_PASS && s->action != NETIF_ACTION_PORT)) {
		e->pend.filter_drop++;
		return;
	}
	if (s->verdict != NETIF_VERDICT_PASS) {
		f->drops++;
		e->pend.filter_drop++;
		return;
	}
	p.data = s->data;
	p.len = s->len;
	p.hdr = *s;
	dispatch(e, &p, f);
}

static void on_chan_tx(struct ev_handler *h, uint32_t events)
{
	struct chan *c = (struct chan *)h;
	struct exc_netif *e = c->exc;
	struct netif_slot *s;
	uint64_t v;
	unsigned int n = 0;

	if (read(c->tx_efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	while (n++ < RX_BUDGET && (s = ring_cons_peek(&c->tx))) {
		uint32_t len = s->len;

		if (len > c->buf_size) {
			c->tx_drops++;
			e->pend.chan_tx_invalid++;
		} else if (c->filter) {
			filter_returned(e, c, s);
		} else if (client_tx_valid(e, c, s->data, len)) {
			c->tx_packets++;
			e->pend.chan_tx++;
			xmit(e, s->data, len);
		} else {
			c->tx_drops++;
			e->pend.chan_tx_invalid++;
		}
		ring_cons_release(&c->tx);
	}
	/* more than one budget's worth: come back for the rest */
	if (ring_count(&c->tx)) {
		v = 1;
		if (write(c->tx_efd, &v, sizeof(v)) < 0)
			pr_debug("cannot re-arm channel %u: %s", c->port, strerror(errno));
	}
	batch_done(e);
}

/* ---- activation ---------------------------------------------------------- */

/*
 * Handlers are released through the loop: an event for them may still be
 * queued in the batch being dispatched.
 */
static void release_plain(struct ev_handler *h)
{
	free(h);
}

static void release_chan(struct ev_handler *h)
{
	chan_destroy((struct chan *)h);
}

static void deactivate(struct exc_netif *e)
{
	unsigned int i;

	for (i = 0; i < e->nq; i++) {
		struct xsk_slot *s = e->qs[i];
		__u32 key = s->qid;

		/* out of the map first: the fast path stops redirecting to it */
		bpf_map_delete_elem(e->nif->dp.map_fd[DP_XSKS], &key);
		loop_defer_free(&s->h, release_plain);
		/*
		 * The socket goes now, only the handler waits: a new socket may
		 * be bound to the same queue before this batch of events ends.
		 */
		xskq_destroy(s->q);
		s->q = NULL;
		e->qs[i] = NULL;
	}
	e->nq = 0;
	if (e->egress_h) {
		loop_defer_free(&e->egress_h->h, release_plain);
		e->egress_h = NULL;
	}
	if (e->egress) {
		ring_buffer__free(e->egress);
		e->egress = NULL;
	}
	offloads_restore(e);
	e->active = false;
	e->egress_active = false;
}

static int activate(struct exc_netif *e, struct netif_extack *ext)
{

	struct netif *nif = e->nif;
	unsigned int q, nq = nif->info.rx_queues;
	int err;

	if (nq > NETIF_MAX_XSK_QUEUES)
		nq = NETIF_MAX_XSK_QUEUES;
	for (q = 0; q < nq; q++) {
		struct xskq_params p = {
			.ifname = nif->ifname,
			.queue_id = q,
			.rx_slots = nif->info.rx_slots,
			.tx_slots = nif->info.tx_slots,
			.buf_size = nif->info.buf_size,
		};
		struct xsk_slot *s = calloc(1, sizeof(*s));
		bool zc = false;
		__u32 key = q;
		int fd;

		if (!s) {
			err = -ENOMEM;
			goto fail;
		}
		err = xskq_create(&p, &s->q, &zc);
		if (err) {
			free(s);
			netif_extack_set(ext, "cannot open an AF_XDP socket on %s queue %u: %s",
					 nif->ifname, q, strerror(-err));
			goto fail;
		}
		s->exc = e;
		s->qid = q;
		s->h.fd = xskq_fd(s->q);
		s->h.fn = on_xsk;
		e->qs[e->nq++] = s;
		e->zerocopy = zc;
		fd = s->h.fd;
		err = loop_add(&s->h, EPOLLIN);
		if (!err && bpf_map_update_elem(nif->dp.map_fd[DP_XSKS], &key, &fd, BPF_ANY))
			err = -errno;
		if (err) {
			netif_extack_set(ext, "cannot register the AF_XDP socket of queue %u: %s", q,
					 strerror(-err));
			goto fail;
		}
	}
	e->egress = ring_buffer__new(nif->dp.map_fd[DP_EXC_RING], on_egress_record, e, NULL);
	if (!e->egress) {
		err = -errno;
		netif_extack_set(ext, "cannot open the egress exception ring: %s", strerror(errno));
		goto fail;
	}
	e->egress_h = calloc(1, sizeof(*e->egress_h));
	if (!e->egress_h) {
		err = -ENOMEM;
		goto fail;
	}
	e->egress_h->exc = e;
	e->egress_h->h.fd = ring_buffer__epoll_fd(e->egress);
	e->egress_h->h.fn = on_egress;
	err = loop_add(&e->egress_h->h, EPOLLIN);
	if (err)
		goto fail;
	e->active = true;
	pr_info("%s: exception path up (%u AF_XDP socket(s), %s)", nif->ifname, e->nq,
		e->zerocopy ? "zero-copy" : "copy mode");
	return 0;
fail:
	deactivate(e);
	return err;
}

int exception_sync(struct netif *nif, struct netif_extack *ext)
{
	struct exc_netif *e = exc_of(nif);
	struct netif_cfg cfg = nif->cfg;
	bool need, need_egress;
	int err = 0;

	if (!e)
		return -ENOMEM;
	if (nif->ifindex <= 0 || nif->dp.xdp_link_fd < 0)
		return 0; /* loaded but not attached (tests, benchmarks): nothing to receive */
	need_egress = e->chain.n || nif->flows.egress_exc_flows;
	need = need_egress || nif->flows.exc_flows || e->nchan ||
	       nif->cfg.default_action == NETIF_ACTION_EXCEPTION;
	if (need && !e->active)
		err = activate(e, ext);
	else if (!need && e->active)
		deactivate(e);
	if (err)
		return err;
	if (need_egress)
		offloads_off(e);
	else
		offloads_restore(e);

	cfg.flags &= ~(NETIF_CFG_F_FILTERS | NETIF_CFG_F_REINJECT_MARKS);
	if (e->chain.n)
		cfg.flags |= NETIF_CFG_F_FILTERS;
	if (need && nif->info.mode == NETIF_MODE_COMPAT)
		cfg.flags |= NETIF_CFG_F_REINJECT_MARKS;
	if (cfg.flags != nif->cfg.flags) {
		err = dp_cfg_write(&nif->dp, &cfg);
		if (err) {
			netif_extack_set(ext, "cannot update the netif configuration: %s", strerror(-err));
			return err;
		}
		nif->cfg = cfg;
	}
	return 0;
}

/* ---- lifecycle ------------------------------------------------------------ */

static void chan_unlink(struct chan *c)
{
	struct chan **pp;

	for (pp = &all_chans; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
}

static void filter_delete_persisted(struct netif *nif, uint32_t id)
{
	struct netif_filter_rec rec;
	__u32 i;

	for (i = 0; i < NETIF_MAX_FILTERS; i++) {
		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_FILTERS], &i, &rec) == 0 && rec.id == id) {
			memset(&rec, 0, sizeof(rec));
			bpf_map_update_elem(nif->dp.map_fd[DP_FILTERS], &i, &rec, BPF_ANY);
		}
	}
}

/* Close a channel and forget it (port unbound / external filter removed). */
static void close_channel(struct exc_netif *e, struct chan *c)
{
	if (c->filter) {
		struct filter *f = filter_chain_remove(&e->chain, c->filter->id);

		filter_free(f);
	} else if (c->port < NETIF_PORT_MAX && e->ports[c->port] == c) {
		e->ports[c->port] = NULL;
	}
	if (c->owner && c->owner->nresources)
		c->owner->nresources--;
	chan_unlink(c);
	e->nchan--;
	pr_info("%s: %s channel of pid %d closed", e->nif->ifname,
		c->filter ? "filter" : "port", c->pid);
	c->filter = NULL;
	c->exc = NULL;
	loop_defer_free(&c->txh, release_chan);
}

unsigned int exception_channel_count(struct netif *nif)
{
	return nif->exc ? nif->exc->nchan : 0;
}

void exception_netif_fini(struct netif *nif)
{
	struct exc_netif *e = nif->exc;
	struct chan *c, *next;
	struct filter *f;

	if (!e)
		return;
	for (c = all_chans; c; c = next) {
		next = c->next;
		if (c->exc == e)
			close_channel(e, c);
	}
	while ((f = e->chain.head)) {
		e->chain.head = f->next;
		filter_free(f);
	}
	e->chain.n = 0;
	exception_flush_stats(nif);
	deactivate(e);
	free(e);
	nif->exc = NULL;
}

void ctl_conn_closed(struct ctl_conn *conn)
{
	struct chan *c, *next;

	for (c = all_chans; c; c = next) {
		struct netif *nif;

		next = c->next;
		if (c->owner != conn)
			continue;
		nif = c->exc->nif;
		close_channel(c->exc, c);
		exception_sync(nif, NULL);
	}
}

/* Tell channel clients of nif (only the one of channel only, when given). */
static void notify(struct netif *nif, uint8_t kind, const struct link_info *li, struct chan *only)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct chan *c;

	for (c = all_chans; c; c = c->next) {
		if (c->exc->nif != nif || !c->owner || (only && c != only))
			continue;
		nlh = netif_msg_start(buf, NETIF_CMD_EVENT, 0, 0);
		mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
		nest = mnl_attr_nest_start(nlh, NETIF_A_EVENT);
		mnl_attr_put_u8(nlh, NETIF_EA_KIND, kind);
		if (li) {
			mnl_attr_put_u8(nlh, NETIF_EA_UP, li->up && li->running);
			mnl_attr_put_u32(nlh, NETIF_EA_MTU, li->mtu);
			mnl_attr_put(nlh, NETIF_EA_MAC, 6, li->mac);
		}
		mnl_attr_nest_end(nlh, nest);
		ctl_conn_send(c->owner, nlh);
	}
}

void exception_notify_link(struct netif *nif, const struct link_info *li)
{
	notify(nif, NETIF_EVENT_LINK, li, NULL);
}

void exception_notify_detach(struct netif *nif)
{
	notify(nif, NETIF_EVENT_DETACH, NULL, NULL);
}

/* ---- counters -------------------------------------------------------------- */

void exception_flush_stats(struct netif *nif)
{
	struct exc_netif *e = nif->exc;
	struct netif_agent_stats st;
	struct exc_pending *p;
	unsigned int i;
	__u32 zero = 0;

	if (!e)
		return;
	p = &e->pend;
	for (i = 0; i < e->nq; i++) {
		struct xdp_statistics now;
		struct xsk_slot *s = e->qs[i];

		if (xskq_stats(s->q, &now))
			continue;
		p->exc_ring_full += now.rx_ring_full - s->last.rx_ring_full +
				    now.rx_dropped - s->last.rx_dropped;
		p->exc_fill_empty += now.rx_fill_ring_empty_descs - s->last.rx_fill_ring_empty_descs;
		s->last = now;
	}
	if (dp_read_agent_stats(&nif->dp, &st))
		return;
	st.exc_rx += p->exc_rx;
	st.exc_rx_bytes += p->exc_rx_bytes;
	st.exc_ring_full += p->exc_ring_full;
	st.exc_fill_empty += p->exc_fill_empty;
	st.exc_tx += p->exc_tx;
	st.exc_tx_fail += p->exc_tx_fail;
	st.egress_exc_rx += p->egress_exc_rx;
	st.filter_rx += p->filter_rx;
	st.filter_drop += p->filter_drop;
	st.filter_ext_timeout += p->filter_ext_timeout;
	st.chan_rx += p->chan_rx;
	st.chan_rx_ring_full += p->chan_rx_ring_full;
	st.chan_rx_no_client += p->chan_rx_no_client;
	st.chan_tx += p->chan_tx;
	st.chan_tx_invalid += p->chan_tx_invalid;
	st.reinject_rx += p->reinject_rx;
	st.reinject_fail += p->reinject_fail;
	if (bpf_map_update_elem(nif->dp.map_fd[DP_AGENT_STATS], &zero, &st, BPF_ANY) == 0)
		memset(p, 0, sizeof(*p));
}

void exception_tick(struct agent *ag)
{
	struct netif *nif, *tmp;

	HASH_ITER(hh, ag->netifs, nif, tmp) {
		if (nif->exc) {
			exception_flush_stats(nif);
			filter_chain_flush(&nif->exc->chain);
		}
	}
}

/* ---- filters --------------------------------------------------------------- */

static int persist_filter(struct netif *nif, const struct filter *f)
{
	struct netif_filter_rec rec;
	__u32 i;

	for (i = 0; i < NETIF_MAX_FILTERS; i++) {
		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_FILTERS], &i, &rec) == 0 && rec.id == 0) {
			memset(&rec, 0, sizeof(rec));
			rec.id = f->id;
			rec.kind = f->kind;
			rec.dirs = f->dirs;
			snprintf(rec.arg, sizeof(rec.arg), "%s", f->arg);
			return bpf_map_update_elem(nif->dp.map_fd[DP_FILTERS], &i, &rec, BPF_ANY) ? -errno : 0;
		}
	}
	return -ENOSPC;
}

int exception_adopt(struct netif *nif)
{
	struct exc_netif *e = exc_of(nif);
	struct netif_filter_rec recs[NETIF_MAX_FILTERS];
	unsigned int n = 0, i, j;
	__u32 k;
	int err;

	if (!e)
		return -ENOMEM;
	for (k = 0; k < NETIF_MAX_FILTERS; k++)
		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_FILTERS], &k, &recs[n]) == 0 && recs[n].id)
			n++;
	/* rebuild in the order they were added */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && recs[j - 1].id > recs[j].id; j--) {
			struct netif_filter_rec t = recs[j];

			recs[j] = recs[j - 1];
			recs[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		struct netif_extack ext = {};
		struct filter *f;

		recs[i].arg[NETIF_FILTER_ARG_MAX - 1] = '\0';
		err = filter_builtin_new(recs[i].kind, recs[i].arg, recs[i].dirs, &f, &ext);
		if (err) {
			pr_warn("%s: filter %u (%s %s) cannot be restored: %s", nif->ifname, recs[i].id,
				filter_kind_name(recs[i].kind), recs[i].arg, ext.msg);
			continue;
		}
		f->id = recs[i].id;
		filter_chain_append(&e->chain, f);
	}
	err = exception_sync(nif, NULL);
	if (err)
		pr_warn("%s: exception path not restored: %s", nif->ifname, strerror(-err));
	return 0;
}

/* The netif and the NETIF_A_FILTER nest every filter command carries. */
static int filter_req(struct ctl_req *r, struct netif **nif, const struct nlattr **tb,
		      const char *missing)
{
	int err = ctl_req_netif(r, nif);

	if (err)
		return err;
	if (!r->tb[NETIF_A_FILTER]) {
		netif_extack_set(&r->ext, "%s", missing);
		return -EINVAL;
	}
	return netif_attr_parse_nested(r->tb[NETIF_A_FILTER], netif_filter_policy, NETIF_FIA_MAX, tb,
				       &r->ext);
}

static const char *fa_str(const struct nlattr **tb, int type)
{
	return tb[type] ? mnl_attr_get_str(tb[type]) : "";
}

int h_filter_add(struct ctl_req *r)
{
	const struct nlattr *tb[NETIF_FIA_MAX + 1];
	struct exc_netif *e;
	struct netif *nif;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct filter *f;
	int err, kind;
	uint8_t dirs;

	err = filter_req(r, &nif, tb, "filter description missing");
	if (err)
		return err;
	/* a filter passes frames back to the host stack */
	err = dp_require(&nif->dp, NETIF_FEAT_REINJECT, "a filter", &r->ext);
	if (err)
		return err;
	if (!tb[NETIF_FIA_KIND]) {
		netif_extack_set(&r->ext, "filter kind missing (pcap, count or drop)");
		return -EINVAL;
	}
	kind = filter_kind_parse(mnl_attr_get_str(tb[NETIF_FIA_KIND]));
	if (kind < 0 || kind == NETIF_FILTER_EXTERNAL) {
		netif_extack_set(&r->ext, "filter kind must be pcap, count or drop "
					  "(external filters connect with a filter channel)");
		return -EINVAL;
	}
	dirs = tb[NETIF_FIA_DIR] ? mnl_attr_get_u8(tb[NETIF_FIA_DIR])
				 : NETIF_FILTER_DIR_RX | NETIF_FILTER_DIR_TX;
	e = exc_of(nif);
	if (!e)
		return -ENOMEM;
	if (e->chain.n >= NETIF_MAX_FILTERS) {
		netif_extack_set(&r->ext, "too many filters (max %d)", NETIF_MAX_FILTERS);
		return -ENOSPC;
	}
	err = filter_builtin_new(kind, fa_str(tb, NETIF_FIA_ARG), dirs, &f, &r->ext);
	if (err)
		return err;
	filter_chain_append(&e->chain, f);
	err = persist_filter(nif, f);
	if (!err)
		err = exception_sync(nif, &r->ext);
	if (err) {
		if (!r->ext.msg[0])
			netif_extack_set(&r->ext, "cannot install the filter: %s", strerror(-err));
		filter_delete_persisted(nif, f->id);
		filter_free(filter_chain_remove(&e->chain, f->id));
		exception_sync(nif, NULL);
		return err;
	}
	nlh = ctl_reply_begin(r->rep, NETIF_CMD_FILTER_ADD);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
	mnl_attr_put_u32(nlh, NETIF_FIA_ID, f->id);
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
	return 0;
}

int h_filter_del(struct ctl_req *r)
{
	const struct nlattr *tb[NETIF_FIA_MAX + 1];
	struct exc_netif *e;
	struct netif *nif;
	struct filter *f;
	uint32_t id;
	int err;

	err = filter_req(r, &nif, tb, "filter id missing");
	if (err)
		return err;
	if (!tb[NETIF_FIA_ID]) {
		netif_extack_set(&r->ext, "filter id missing");
		return -EINVAL;
	}
	id = mnl_attr_get_u32(tb[NETIF_FIA_ID]);
	e = nif->exc;
	f = e ? filter_chain_find(&e->chain, id) : NULL;
	if (!f) {
		netif_extack_set(&r->ext, "no filter with id %u", id);
		return -ENOENT;
	}
	if (f->chan) {
		/* an external filter: its process learns it is out of the chain */
		notify(nif, NETIF_EVENT_DETACH, NULL, f->chan);
		close_channel(e, f->chan);
	} else {
		filter_delete_persisted(nif, id);
		filter_free(filter_chain_remove(&e->chain, id));
	}
	return exception_sync(nif, &r->ext);
}

int h_filter_get(struct ctl_req *r)
{
	struct netif *nif;
	struct filter *f;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (!nif->exc)
		return 0;
	for (f = nif->exc->chain.head; f; f = f->next) {
		struct nlmsghdr *nlh = ctl_reply_begin(r->rep, NETIF_CMD_FILTER_GET);
		struct nlattr *nest;

		mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
		nest = mnl_attr_nest_start(nlh, NETIF_A_FILTER);
		mnl_attr_put_u32(nlh, NETIF_FIA_ID, f->id);
		mnl_attr_put_strz(nlh, NETIF_FIA_KIND, filter_kind_name(f->kind));
		if (f->arg[0])
			mnl_attr_put_strz(nlh, f->kind == NETIF_FILTER_EXTERNAL ? NETIF_FIA_NAME
										 : NETIF_FIA_ARG, f->arg);
		mnl_attr_put_u8(nlh, NETIF_FIA_DIR, f->dirs);
		mnl_attr_put_u64(nlh, NETIF_FIA_PACKETS, f->packets);
		mnl_attr_put_u64(nlh, NETIF_FIA_DROPS, f->drops);
		mnl_attr_nest_end(nlh, nest);
		ctl_reply_end(r->rep, nlh);
	}
	return 0;
}

/* ---- channels ---------------------------------------------------------------- */

static int chan_sizes(struct ctl_req *r, struct netif *nif, struct chan_params *p)
{
	const struct nlattr *tb[NETIF_CA_MAX + 1] = {};
	int err;

	p->rx_slots = nif->info.rx_slots;
	p->tx_slots = nif->info.tx_slots;
	p->buf_size = nif->info.buf_size;
	p->mac = nif->cfg.mac;
	p->mtu = nif->info.mtu;
	if (!r->tb[NETIF_A_CHANNEL])
		return 0;
	err = netif_attr_parse_nested(r->tb[NETIF_A_CHANNEL], netif_chan_policy, NETIF_CA_MAX, tb,
				      &r->ext);
	if (err)
		return err;
	if (tb[NETIF_CA_RX_SLOTS])
		p->rx_slots = mnl_attr_get_u32(tb[NETIF_CA_RX_SLOTS]);
	if (tb[NETIF_CA_TX_SLOTS])
		p->tx_slots = mnl_attr_get_u32(tb[NETIF_CA_TX_SLOTS]);
	if (p->rx_slots < NETIF_RX_SLOTS_MIN || p->rx_slots > NETIF_RX_SLOTS_MAX ||
	    (p->rx_slots & (p->rx_slots - 1))) {
		netif_extack_set(&r->ext, "channel rx-slots %u invalid (power of two in [%u, %u])",
				 p->rx_slots, NETIF_RX_SLOTS_MIN, NETIF_RX_SLOTS_MAX);
		return -EINVAL;
	}
	if (p->tx_slots < NETIF_TX_SLOTS_MIN || p->tx_slots > NETIF_TX_SLOTS_MAX ||
	    (p->tx_slots & (p->tx_slots - 1))) {
		netif_extack_set(&r->ext, "channel tx-slots %u invalid (power of two in [%u, %u])",
				 p->tx_slots, NETIF_TX_SLOTS_MIN, NETIF_TX_SLOTS_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Create the channel, register it, and hand its descriptors back in the reply. */
static int open_channel(struct ctl_req *r, struct netif *nif, struct chan_params *p,
			struct chan **out)
{
	struct exc_netif *e = exc_of(nif);
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct chan *c;
	int err;

	if (!e)
		return -ENOMEM;
	err = chan_create(p, &c);
	if (err) {
		netif_extack_set(&r->ext, "cannot create the channel rings: %s", strerror(-err));
		return err;
	}
	c->exc = e;
	c->owner = r->conn;
	c->pid = r->conn->cred.pid;
	c->txh.fn = on_chan_tx;
	err = loop_add(&c->txh, EPOLLIN);
	if (err) {
		chan_destroy(c);
		return err;
	}
	c->next = all_chans;
	all_chans = c;
	e->nchan++;
	r->conn->nresources++;

	nlh = ctl_reply_begin(r->rep, NETIF_CMD_CHANNEL_OPEN);
	mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
	mnl_attr_put_u32(nlh, NETIF_A_PORT, c->port);
	nest = mnl_attr_nest_start(nlh, NETIF_A_CHANNEL);
	mnl_attr_put_u32(nlh, NETIF_CA_RX_SLOTS, p->rx_slots);
	mnl_attr_put_u32(nlh, NETIF_CA_TX_SLOTS, p->tx_slots);
	mnl_attr_put_u32(nlh, NETIF_CA_BUF_SIZE, p->buf_size);
	mnl_attr_put_u64(nlh, NETIF_CA_RING_SIZE, c->size);
	mnl_attr_nest_end(nlh, nest);
	ctl_reply_end(r->rep, nlh);
	/* order: region, "RX ready" eventfd, "TX ready" eventfd */
	if (ctl_reply_add_fd(r->rep, dup(c->memfd)) || ctl_reply_add_fd(r->rep, dup(c->rx_efd)) ||
	    ctl_reply_add_fd(r->rep, dup(c->tx_efd))) {
		close_channel(e, c);
		return -EMFILE;
	}
	*out = c;
	return 0;
}

int h_channel_open(struct ctl_req *r)
{
	struct chan_params p = {};
	struct netif *nif;
	struct chan *c;
	uint32_t port;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (!r->tb[NETIF_A_PORT]) {
		netif_extack_set(&r->ext, "client port missing");
		return -EINVAL;
	}
	port = mnl_attr_get_u32(r->tb[NETIF_A_PORT]);
	if (port < NETIF_PORT_CLIENT_MIN || port >= NETIF_PORT_MAX) {
		netif_extack_set(&r->ext, "client port %u out of range [%u, %u] (0 is the device, "
					  "1 the host)", port, NETIF_PORT_CLIENT_MIN, NETIF_PORT_MAX - 1);
		return -EINVAL;
	}
	if (nif->exc && nif->exc->ports[port]) {
		netif_extack_set(&r->ext, "port %u is bound (pid %d)", port, nif->exc->ports[port]->pid);
		return -EBUSY;
	}
	err = chan_sizes(r, nif, &p);
	if (err)
		return err;
	p.port = port;
	err = open_channel(r, nif, &p, &c);
	if (err)
		return err;
	nif->exc->ports[port] = c;
	err = exception_sync(nif, &r->ext);
	if (err) {
		close_channel(nif->exc, c);
		return err;
	}
	pr_info("%s: port %u bound by pid %d", nif->ifname, port, c->pid);
	return 0;
}

int h_filter_open(struct ctl_req *r)
{
	const struct nlattr *tb[NETIF_FIA_MAX + 1];
	struct chan_params p = {};
	struct netif *nif;
	struct filter *f;
	struct chan *c;
	int err;

	err = filter_req(r, &nif, tb, "filter name missing");
	if (err)
		return err;
	err = dp_require(&nif->dp, NETIF_FEAT_REINJECT, "an external filter", &r->ext);
	if (err)
		return err;
	if (!tb[NETIF_FIA_NAME]) {
		netif_extack_set(&r->ext, "filter name missing");
		return -EINVAL;
	}
	if (nif->exc && nif->exc->chain.n >= NETIF_MAX_FILTERS) {
		netif_extack_set(&r->ext, "too many filters (max %d)", NETIF_MAX_FILTERS);
		return -ENOSPC;
	}
	err = chan_sizes(r, nif, &p);
	if (err)
		return err;
	err = open_channel(r, nif, &p, &c);
	if (err)
		return err;
	f = filter_external_new(mnl_attr_get_str(tb[NETIF_FIA_NAME]), c);
	if (!f) {
		close_channel(nif->exc, c);
		return -ENOMEM;
	}
	c->filter = f;
	filter_chain_append(&nif->exc->chain, f);
	err = exception_sync(nif, &r->ext);
	if (err) {
		close_channel(nif->exc, c);
		exception_sync(nif, NULL);
		return err;
	}
	pr_info("%s: external filter \"%s\" (pid %d) joined the chain as filter %u", nif->ifname,
		f->arg, c->pid, f->id);
	return 0;
}

int h_port_get(struct ctl_req *r)
{
	struct netif *nif;
	unsigned int port;
	int err;

	err = ctl_req_netif(r, &nif);
	if (err)
		return err;
	if (!nif->exc)
		return 0;
	for (port = NETIF_PORT_CLIENT_MIN; port < NETIF_PORT_MAX; port++) {
		struct chan *c = nif->exc->ports[port];
		struct nlmsghdr *nlh;
		struct nlattr *nest;

		if (!c)
			continue;
		nlh = ctl_reply_begin(r->rep, NETIF_CMD_PORT_GET);
		mnl_attr_put_strz(nlh, NETIF_A_IFNAME, nif->ifname);
		mnl_attr_put_u32(nlh, NETIF_A_PORT, port);
		nest = mnl_attr_nest_start(nlh, NETIF_A_CHANNEL);
		mnl_attr_put_u32(nlh, NETIF_CA_PID, c->pid);
		mnl_attr_put_u32(nlh, NETIF_CA_RX_SLOTS, c->rx.slots);
		mnl_attr_put_u32(nlh, NETIF_CA_TX_SLOTS, c->tx.slots);
		mnl_attr_put_u64(nlh, NETIF_CA_RX_PACKETS, c->rx_packets);
		mnl_attr_put_u64(nlh, NETIF_CA_RX_DROPS, c->rx_drops);
		mnl_attr_put_u64(nlh, NETIF_CA_TX_PACKETS, c->tx_packets);
		mnl_attr_put_u64(nlh, NETIF_CA_TX_DROPS, c->tx_drops);
		mnl_attr_nest_end(nlh, nest);
		ctl_reply_end(r->rep, nlh);
	}
	return 0;
}
