// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Channels and filters of a netif's exception path: client ports bound by
 * channels, the filter chain (built-ins persisted in the pinned "filters"
 * map, external filters behind channels), and the events their owners
 * hear: one subscriber of the event bus relays a netif's link changes and
 * its detach to the owners of its channels. Owners are opaque (struct
 * chan_owner): whoever hands a channel out says how to reach its holder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "netif/params.h"
#include "netif/proto.h"
#include "events.h"
#include "exc_priv.h"
#include "exception.h"
#include "log.h"
#include "txn.h"

static struct chan *all_chans;

static void subscribe_once(void);
static void publish_chan(struct chan *c, uint8_t kind);

struct exc_netif *exc_of(struct netif *nif)
{
	if (!nif->exc) {
		nif->exc = calloc(1, sizeof(*nif->exc));
		if (nif->exc)
			nif->exc->nif = nif;
	}
	return nif->exc;
}

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

/* Released through the loop: an event for it may still be queued in this batch. */
static void release_chan(struct ev_handler *h)
{
	chan_destroy((struct chan *)h);
}

void exc_close_channel(struct exc_netif *e, struct chan *c)
{
	struct chan_owner *owner = c->owner;

	if (c->announced)
		publish_chan(c, NETIF_EVENT_CHANNEL_CLOSE);
	if (c->filter)
		filter_free(filter_chain_remove(&e->chain, c->filter->id));
	else if (c->port < NETIF_PORT_MAX && e->ports[c->port] == c)
		e->ports[c->port] = NULL;
	chan_unlink(c);
	e->nchan--;
	pr_info("%s: %s channel of pid %d closed", e->nif->ifname, c->filter ? "filter" : "port",
		c->pid);
	c->filter = NULL;
	c->exc = NULL;
	c->owner = NULL;
	loop_defer_free(&c->txh, release_chan);
	if (owner)
		owner->release(owner);
}

void exc_close_channels(struct exc_netif *e)
{
	struct chan *c, *next;

	for (c = all_chans; c; c = next) {
		next = c->next;
		if (c->exc == e)
			exc_close_channel(e, c);
	}
}

unsigned int exception_channel_count(struct netif *nif)
{
	return nif->exc ? nif->exc->nchan : 0;
}

const struct chan *exception_port(struct netif *nif, unsigned int port)
{
	return nif->exc && port < NETIF_PORT_MAX ? nif->exc->ports[port] : NULL;
}

void exception_chan_defaults(struct netif *nif, struct chan_params *p)
{
	memset(p, 0, sizeof(*p));
	p->rx_slots = nif->info.rx_slots;
	p->tx_slots = nif->info.tx_slots;
	p->buf_size = nif->info.buf_size;
	p->mac = nif->cfg.mac;
	p->mtu = nif->info.mtu;
}

static void undo_chan(void *arg, const void *data)
{
	struct chan *c = arg;

	exc_close_channel(c->exc, c);
}

static void announce_chan(void *arg, const void *data)
{
	struct chan *c = arg;

	c->announced = true;
	publish_chan(c, NETIF_EVENT_CHANNEL_OPEN);
}

/* Create a channel for owner and register it; closed again if t aborts. */
static int new_channel(struct exc_netif *e, const struct chan_params *p, struct chan_owner *owner,
		       struct txn *t, struct chan **out, struct netif_extack *ext)
{
	struct chan *c;
	int err;

	err = chan_params_check(p, ext);
	if (err)
		return err;
	err = chan_create(p, &c);
	if (err) {
		netif_extack_set(ext, "cannot create the channel rings: %s", strerror(-err));
		return err;
	}
	c->exc = e;
	c->owner = owner;
	c->pid = owner->pid;
	c->txh.fn = exc_on_chan_tx;
	err = loop_add(&c->txh, EPOLLIN);
	if (err) {
		chan_destroy(c);
		return err;
	}
	c->next = all_chans;
	all_chans = c;
	e->nchan++;
	*out = c;
	subscribe_once();
	/* a filter channel is announced once its filter is set (the caller does it before commit) */
	return txn_undo(t, undo_chan, c, NULL, 0) ?: txn_on_commit(t, announce_chan, c, NULL, 0);
}

int exception_port_open(struct netif *nif, const struct chan_params *p, struct chan_owner *owner,
			struct txn *t, struct chan **out, struct netif_extack *ext)
{
	struct exc_netif *e = exc_of(nif);
	int err;

	if (!e)
		return -ENOMEM;
	if (p->port < NETIF_PORT_CLIENT_MIN || p->port >= NETIF_PORT_MAX) {
		netif_extack_set(ext, "client port %u out of range [%u, %u] (0 is the device, 1 the host)",
				 p->port, NETIF_PORT_CLIENT_MIN, NETIF_PORT_MAX - 1);
		return -EINVAL;
	}
	if (e->ports[p->port]) {
		netif_extack_set(ext, "port %u is bound (pid %d)", p->port, e->ports[p->port]->pid);
		return -EBUSY;
	}
	err = new_channel(e, p, owner, t, out, ext);
	if (err)
		return err;
	e->ports[p->port] = *out;
	pr_info("%s: port %u bound by pid %d", nif->ifname, p->port, owner->pid);
	return 0;
}

int exception_filter_open(struct netif *nif, const char *name, const struct chan_params *p,
			  struct chan_owner *owner, struct txn *t, struct chan **out,
			  struct netif_extack *ext)
{
	struct exc_netif *e = exc_of(nif);
	struct filter *f;
	int err;

	if (!e)
		return -ENOMEM;
	if (e->chain.n >= NETIF_MAX_FILTERS) {
		netif_extack_set(ext, "too many filters (max %d)", NETIF_MAX_FILTERS);
		return -ENOSPC;
	}
	err = new_channel(e, p, owner, t, out, ext);
	if (err)
		return err;
	/* it may hold what its two rings hold */
	f = filter_external_new(name, *out, p->rx_slots + p->tx_slots);
	if (!f)
		return -ENOMEM;
	(*out)->filter = f;
	filter_chain_append(&e->chain, f);
	pr_info("%s: external filter \"%s\" (pid %d) joined the chain as filter %u", nif->ifname,
		f->arg, owner->pid, f->id);
	return 0;
}

/* ---- built-in filters, persisted in the pinned "filters" map ---------------- */

static void filter_to_rec(const struct filter *f, struct netif_filter_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->id = f->id;
	rec->kind = f->kind;
	rec->dirs = f->dirs;
	snprintf(rec->arg, sizeof(rec->arg), "%s", f->arg);
	rec->packets = f->packets;
	rec->bytes = f->bytes;
	rec->drops = f->drops;
	rec->file_dev = f->file_dev;
	rec->file_ino = f->file_ino;
}

static int persist_filter(struct netif *nif, struct filter *f)
{
	struct netif_filter_rec rec;
	__u32 i;

	for (i = 0; i < NETIF_MAX_FILTERS; i++) {
		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_FILTERS], &i, &rec) == 0 && rec.id == 0) {
			filter_to_rec(f, &rec);
			if (bpf_map_update_elem(nif->dp.map_fd[DP_FILTERS], &i, &rec, BPF_ANY))
				return -errno;
			f->pin_slot = i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* The counters of every built-in filter into its pinned record, so a restart keeps them. */
void exc_filters_persist(struct exc_netif *e)
{
	struct netif_filter_rec rec;
	const struct filter *f;

	for (f = e->chain.head; f; f = f->next) {
		__u32 slot = f->pin_slot;

		if (f->pin_slot < 0)
			continue;
		filter_to_rec(f, &rec);
		if (bpf_map_update_elem(e->nif->dp.map_fd[DP_FILTERS], &slot, &rec, BPF_ANY))
			pr_debug("%s: filter %u counters not saved: %s", e->nif->ifname, f->id,
				 strerror(errno));
	}
}

static void unpersist_filter(struct netif *nif, uint32_t id)
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

struct pinned_filter {
	__u32 slot;
	struct netif_filter_rec rec;
};

static int rec_cmp(const void *a, const void *b)
{
	const struct pinned_filter *x = a, *y = b;

	return x->rec.id < y->rec.id ? -1 : x->rec.id > y->rec.id;
}

void exc_filters_adopt(struct exc_netif *e)
{
	static struct pinned_filter pins[NETIF_MAX_FILTERS];
	struct netif *nif = e->nif;
	unsigned int n = 0, i;
	__u32 k;

	for (k = 0; k < NETIF_MAX_FILTERS; k++) {
		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_FILTERS], &k, &pins[n].rec) == 0 &&
		    pins[n].rec.id) {
			pins[n].slot = k;
			n++;
		}
	}
	/* rebuild in the order they were added */
	qsort(pins, n, sizeof(pins[0]), rec_cmp);
	for (i = 0; i < n; i++) {
		struct netif_filter_rec *rec = &pins[i].rec;
		struct netif_extack ext = {};
		struct filter *f;

		rec->arg[NETIF_FILTER_ARG_MAX - 1] = '\0';
		if (filter_builtin_restore(rec, &f, &ext)) {
			/* the record stays: a later agent may find the file as it was */
			pr_warn("%s: filter %u (%s %s) cannot be restored: %s", nif->ifname, rec->id,
				filter_kind_name(rec->kind), rec->arg, ext.msg);
			continue;
		}
		f->pin_slot = pins[i].slot;
		filter_chain_append(&e->chain, f);
	}
}

static void undo_filter(void *arg, const void *data)
{
	struct exc_netif *e = arg;

	filter_free(filter_chain_remove(&e->chain, *(const uint32_t *)data));
}

static void undo_persist(void *arg, const void *data)
{
	unpersist_filter(arg, *(const uint32_t *)data);
}

static void publish_filter(struct exc_netif *e, const struct filter *f, uint8_t kind)
{
	struct netif_event ev = { .kind = kind, .ifname = e->nif->ifname, .nif = e->nif,
				  .filter = f };

	events_publish(&ev);
}

static void announce_filter(void *arg, const void *data)
{
	struct exc_netif *e = arg;
	const struct filter *f = filter_chain_find(&e->chain, *(const uint32_t *)data);

	if (f)
		publish_filter(e, f, NETIF_EVENT_FILTER_ADD);
}

int exception_filter_add(struct netif *nif, int kind, const char *arg, uint8_t dirs, struct txn *t,
			 uint32_t *id, struct netif_extack *ext)
{
	struct exc_netif *e = exc_of(nif);
	struct filter *f;
	int err;

	if (!e)
		return -ENOMEM;
	if (kind < 0 || kind == NETIF_FILTER_EXTERNAL) {
		netif_extack_set(ext, "filter kind must be pcap, count or drop "
				      "(external filters connect with a filter channel)");
		return -EINVAL;
	}
	if (e->chain.n >= NETIF_MAX_FILTERS) {
		netif_extack_set(ext, "too many filters (max %d)", NETIF_MAX_FILTERS);
		return -ENOSPC;
	}
	err = filter_builtin_new(kind, arg, dirs, &f, ext);
	if (err)
		return err;
	filter_chain_append(&e->chain, f);
	*id = f->id;
	err = txn_undo(t, undo_filter, e, id, sizeof(*id));
	if (!err) {
		err = persist_filter(nif, f);
		if (err)
			netif_extack_set(ext, "cannot install the filter: %s", strerror(-err));
	}
	return err ?: txn_undo(t, undo_persist, nif, id, sizeof(*id)) ?:
	       txn_on_commit(t, announce_filter, e, id, sizeof(*id));
}

int exception_filter_del(struct netif *nif, uint32_t id, struct netif_extack *ext)
{
	struct exc_netif *e = nif->exc;
	struct filter *f = e ? filter_chain_find(&e->chain, id) : NULL;

	if (!f) {
		netif_extack_set(ext, "no filter with id %u", id);
		return -ENOENT;
	}
	/* an external filter's process learns from this that it is out of the chain */
	publish_filter(e, f, NETIF_EVENT_FILTER_DEL);
	if (f->chan) {
		exc_close_channel(e, f->chan);
	} else {
		unpersist_filter(nif, id);
		filter_free(filter_chain_remove(&e->chain, id));
	}
	return 0;
}

const struct filter *exception_filters(struct netif *nif)
{
	return nif->exc ? nif->exc->chain.head : NULL;
}

/* ---- events ------------------------------------------------------------------ */

static void publish_chan(struct chan *c, uint8_t kind)
{
	struct netif *nif = c->exc->nif;
	struct netif_event ev = { .kind = kind, .ifname = nif->ifname, .nif = nif,
				  .port = c->filter ? 0 : c->port, .pid = c->pid,
				  .name = c->filter ? c->filter->arg : NULL };

	events_publish(&ev);
}

static void tell(struct chan *c, const struct netif_event *ev)
{
	if (c->owner)
		c->owner->event(c->owner, ev);
}

/*
 * What channel holders hear (the channel protocol: LINK and DETACH): the
 * link changes and the detach of their netif, and DETACH alone when their
 * external filter is taken out of the chain.
 */
static void chan_events(struct event_sub *s, const struct netif_event *ev)
{
	struct netif_event detach = { .kind = NETIF_EVENT_DETACH, .ifname = ev->ifname,
				      .nif = ev->nif };
	struct chan *c;

	switch (ev->kind) {
	case NETIF_EVENT_LINK:
	case NETIF_EVENT_DETACH:
		for (c = all_chans; c; c = c->next)
			if (c->exc && c->exc->nif == ev->nif)
				tell(c, ev);
		break;
	case NETIF_EVENT_FILTER_DEL:
		if (ev->filter && ev->filter->chan)
			tell(ev->filter->chan, &detach);
		break;
	}
}

static void subscribe_once(void)
{
	static struct event_sub sub = { .fn = chan_events };
	static bool subscribed;

	if (!subscribed)
		events_subscribe(&sub);
	subscribed = true;
}
