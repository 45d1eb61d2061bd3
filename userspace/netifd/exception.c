// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The exception path of a netif, its lifecycle: the AF_XDP sockets and the
 * egress ring exist only while something needs them (a port or exception
 * flow, the default action exception, a filter, an open channel); the
 * fast path's flags follow; counters are folded into the pinned
 * agent_stats map; a restarted agent rebuilds the path from the pins.
 * The frames themselves are exc_datapath.c's, channels and filters
 * exc_chan.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "exc_priv.h"
#include "exception.h"
#include "log.h"
#include "txn.h"
#include "xsk.h"

/* ---- activation ---------------------------------------------------------- */

/*
 * Handlers are released through the loop: an event for them may still be
 * queued in the batch being dispatched.
 */
static void release_plain(struct ev_handler *h)
{
	free(h);
}

/* Records the ring holds for an agent that was not there to take them. */
static int discard_record(void *ctx, void *data, size_t size)
{
	(*(uint64_t *)ctx)++;
	return 0;
}

static void drop_stale(struct exc_netif *e, const char *why)
{
	struct ring_buffer *rb;
	uint64_t n = 0;

	/* a second consumer of the same ring: its position is the ring's, shared */
	rb = ring_buffer__new(e->nif->dp.map_fd[DP_EXC_RING], discard_record, &n, NULL);
	if (!rb)
		return;
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	e->pend.egress_exc_stale += n;
	if (n)
		pr_info("%s: %llu egress packets queued %s dropped, not sent late", e->nif->ifname,
			(unsigned long long)n, why);
}

void exc_egress_fresh(struct exc_netif *e)
{
	uint64_t now = liveness_now();

	if (liveness_lapsed(&e->live, now))
		drop_stale(e, "before the agent stalled");
	liveness_beat(&e->live, now, false);
}

static void deactivate(struct exc_netif *e)
{
	unsigned int i;

	/* the TC program stops handing us packets first */
	liveness_close(&e->live);
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
	e->active = false;
}

/* One AF_XDP socket per RX queue, registered in the fast path's XSKMAP. */
static int open_sockets(struct exc_netif *e, struct netif_extack *ext)
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

		if (!s)
			return -ENOMEM;
		err = xskq_create(&p, &s->q, &zc);
		if (err) {
			free(s);
			netif_extack_set(ext, "cannot open an AF_XDP socket on %s queue %u: %s",
					 nif->ifname, q, strerror(-err));
			return err;
		}
		s->exc = e;
		s->qid = q;
		s->h.fd = xskq_fd(s->q);
		s->h.fn = exc_on_xsk;
		e->qs[e->nq++] = s;
		e->zerocopy = zc;
		fd = s->h.fd;
		err = loop_add(&s->h, EPOLLIN);
		if (!err && bpf_map_update_elem(nif->dp.map_fd[DP_XSKS], &key, &fd, BPF_ANY))
			err = -errno;
		if (err) {
			netif_extack_set(ext, "cannot register the AF_XDP socket of queue %u: %s", q,
					 strerror(-err));
			return err;
		}
	}
	return 0;
}

static int activate(struct exc_netif *e, struct netif_extack *ext)
{
	struct netif *nif = e->nif;
	int err;

	/* no agent for the TC program until the ring is clean and we beat */
	err = liveness_open(&e->live, nif->dp.map_fd[DP_AGENT_ALIVE]);
	if (err) {
		netif_extack_set(ext, "cannot map the agent heartbeat: %s", strerror(-err));
		goto fail;
	}
	err = open_sockets(e, ext);
	if (err)
		goto fail;
	e->egress = ring_buffer__new(nif->dp.map_fd[DP_EXC_RING], exc_on_egress_record, e, NULL);
	if (!e->egress) {
		err = -errno;
		netif_extack_set(ext, "cannot open the egress exception ring: %s", strerror(errno));
		goto fail;
	}
	/* what an earlier agent left in the ring is too old to send now */
	drop_stale(e, "for an earlier agent");
	e->egress_h = calloc(1, sizeof(*e->egress_h));
	if (!e->egress_h) {
		err = -ENOMEM;
		goto fail;
	}
	e->egress_h->exc = e;
	e->egress_h->h.fd = ring_buffer__epoll_fd(e->egress);
	e->egress_h->h.fn = exc_on_egress;
	err = loop_add(&e->egress_h->h, EPOLLIN);
	if (err)
		goto fail;
	e->active = true;
	liveness_beat(&e->live, liveness_now(), true);
	pr_info("%s: exception path up (%u AF_XDP socket(s), %s)", nif->ifname, e->nq,
		e->zerocopy ? "zero-copy" : "copy mode");
	return 0;
fail:
	deactivate(e);
	return err;
}

static void resync(void *arg)
{
	exception_sync(arg, NULL, NULL);
}

/* The fast path's flags for what the exception path now does. */
static int publish_flags(struct netif *nif, bool need, struct netif_extack *ext)
{
	struct netif_cfg cfg = nif->cfg;
	int err;

	cfg.flags &= ~(NETIF_CFG_F_FILTERS | NETIF_CFG_F_REINJECT_MARKS | NETIF_CFG_F_EXC_MIRROR);
	if (nif->exc->chain.n)
		cfg.flags |= NETIF_CFG_F_FILTERS;
	/* nothing on the way out can drop or rewrite a packet: copy it, let it go on */
	if (filter_chain_tx_observes(&nif->exc->chain))
		cfg.flags |= NETIF_CFG_F_EXC_MIRROR;
	if (need && nif->info.mode == NETIF_MODE_COMPAT)
		cfg.flags |= NETIF_CFG_F_REINJECT_MARKS;
	if (cfg.flags == nif->cfg.flags)
		return 0;
	err = dp_cfg_write(&nif->dp, &cfg);
	if (err) {
		netif_extack_set(ext, "cannot update the netif configuration: %s", strerror(-err));
		return err;
	}
	nif->cfg = cfg;
	return 0;
}

int exception_sync(struct netif *nif, struct txn *t, struct netif_extack *ext)
{
	struct exc_netif *e = exc_of(nif);
	bool need;
	int err = 0;

	if (!e)
		return -ENOMEM;
	if (t) {
		/* derived state: whatever the transaction undoes, bring the path in line after */
		err = txn_resync(t, resync, nif);
		if (err)
			return err;
	}
	if (nif->ifindex <= 0 || nif->dp.xdp_link_fd < 0)
		return 0; /* loaded but not attached (tests, benchmarks): nothing to receive */
	need = e->chain.n || nif->flows.egress_exc_flows || nif->flows.exc_flows || e->nchan ||
	       nif->cfg.default_action == NETIF_ACTION_EXCEPTION;
	if (need && !e->active)
		err = activate(e, ext);
	else if (!need && e->active)
		deactivate(e);
	if (err)
		return err;
	return publish_flags(nif, need, ext);
}

void exception_chan_gone(struct chan *c)
{
	struct netif *nif = c->exc->nif;

	exc_close_channel(c->exc, c);
	exception_sync(nif, NULL, NULL);
}

void exception_netif_fini(struct netif *nif)
{
	struct exc_netif *e = nif->exc;
	struct filter *f;

	if (!e)
		return;
	exc_filters_persist(e);
	exc_close_channels(e);
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

/* ---- counters -------------------------------------------------------------- */

/* Frames the sockets dropped (ring full, no fill buffers), from the kernel's own counters. */
static void xsk_drops(struct exc_netif *e)
{
	unsigned int i;

	for (i = 0; i < e->nq; i++) {
		struct xdp_statistics now;
		struct xsk_slot *s = e->qs[i];

		if (xskq_stats(s->q, &now))
			continue;
		e->pend.exc_ring_full += now.rx_ring_full - s->last.rx_ring_full +
					 now.rx_dropped - s->last.rx_dropped;
		e->pend.exc_fill_empty += now.rx_fill_ring_empty_descs - s->last.rx_fill_ring_empty_descs;
		s->last = now;
	}
}

void exception_flush_stats(struct netif *nif)
{
	struct exc_netif *e = nif->exc;
	struct netif_agent_stats st;
	uint64_t *sum = (uint64_t *)&st;
	const uint64_t *add;
	unsigned int i;
	__u32 zero = 0;

	if (!e)
		return;
	xsk_drops(e);
	if (dp_read_agent_stats(&nif->dp, &st))
		return;
	add = (const uint64_t *)&e->pend;
	for (i = 0; i < NETIF_AGENT_STATS_COUNT; i++)
		sum[i] += add[i];
	if (bpf_map_update_elem(nif->dp.map_fd[DP_AGENT_STATS], &zero, &st, BPF_ANY) == 0)
		memset(&e->pend, 0, sizeof(e->pend));
}

void exception_tick(struct agent *ag)
{
	struct netif *nif, *tmp;

	HASH_ITER(hh, ag->netifs, nif, tmp) {
		if (nif->exc) {
			exception_flush_stats(nif);
			filter_chain_flush(&nif->exc->chain);
			exc_filters_persist(nif->exc);
		}
	}
}

void exception_heartbeat(struct agent *ag)
{
	uint64_t now = liveness_now();
	struct netif *nif, *tmp;

	HASH_ITER(hh, ag->netifs, nif, tmp)
		if (nif->exc && nif->exc->active)
			liveness_beat(&nif->exc->live, now, false);
}

int exception_adopt(struct netif *nif)
{
	struct exc_netif *e = exc_of(nif);
	int err;

	if (!e)
		return -ENOMEM;
	exc_filters_adopt(e);
	err = exception_sync(nif, NULL, NULL);
	if (err)
		pr_warn("%s: exception path not restored: %s", nif->ifname, strerror(-err));
	return 0;
}
