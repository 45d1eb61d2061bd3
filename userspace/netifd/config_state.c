// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The running state as netifd.yaml(5)'s description (configure.h): the
 * export, and the running side of every comparison an apply makes. Llinks
 * are named by link id and qsets by their number in their llink, never by
 * the internal ids the agent draws, so a file says the same thing on every
 * host and after every restart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netif/maps.h"
#include "bucket.h"
#include "configure_priv.h"
#include "exception.h"
#include "filter.h"
#include "names.h"
#include "units.h"

uint64_t cstate_burst(uint64_t rate, uint64_t burst)
{
	struct netif_bucket b;

	return bucket_params(rate, burst, "", &b, NULL) ? burst : b.burst;
}

/* ---- flows ------------------------------------------------------------------ */

void cstate_flow(struct netif *nif, const struct flow_rec *r, struct cfg_flow *out)
{
	const struct flow_spec *fs = &r->spec;
	const struct netif_qset *q;

	cfg_flow_defaults(out);
	out->has_uuid = true;
	memcpy(out->uuid, r->uuid, 16);
	out->type = fs->type;
	out->dir = fs->dir;
	out->ethertype = fs->ethertype;
	out->family = fs->family;
	out->proto = fs->proto;
	out->mask = fs->mask & ~NETIF_TUPLE_M_LLINK;
	memcpy(out->src, fs->src, 16);
	memcpy(out->dst, fs->dst, 16);
	out->sport = fs->sport;
	out->dport = fs->dport;
	memcpy(out->local, fs->local, 16);
	memcpy(out->remote, fs->remote, 16);
	out->action = fs->action;
	out->port = fs->port;
	snprintf(out->redirect_dev, sizeof(out->redirect_dev), "%s", fs->redirect_dev);
	out->rate = fs->rate;
	out->burst = fs->rate ? fs->burst : 0;
	out->shape = fs->shape;
	out->has_llink = fs->has_llink;
	out->llink = fs->llink_id;
	q = fs->qset_hint ? qset_find(nif, fs->qset_hint) : NULL;
	if (q && llink_id_of(nif, q->llink, &out->hint_llink) == 0) {
		out->has_hint = true;
		out->hint_qset = q->id & 0xffff;
	}
}

void cstate_spec(const struct cfg_flow *f, struct flow_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->has_uuid = f->has_uuid;
	memcpy(fs->uuid, f->uuid, 16);
	fs->type = f->type;
	fs->dir = f->dir;
	fs->ethertype = f->ethertype;
	fs->family = f->type == NETIF_FLOW_ULA ? 6 : f->family;
	fs->proto = f->proto;
	fs->mask = f->mask;
	memcpy(fs->src, f->src, 16);
	memcpy(fs->dst, f->dst, 16);
	fs->sport = f->sport;
	fs->dport = f->dport;
	memcpy(fs->local, f->local, 16);
	memcpy(fs->remote, f->remote, 16);
	fs->action = f->action;
	fs->port = f->port;
	snprintf(fs->redirect_dev, sizeof(fs->redirect_dev), "%s", f->redirect_dev);
	fs->rate = f->rate;
	fs->burst = f->burst;
	fs->shape = f->shape;
	fs->has_llink = f->has_llink;
	fs->llink_id = f->llink;
}

int cstate_hint(struct netif *nif, const struct cfg_flow *f, uint32_t *qset_id,
		struct netif_extack *ext)
{
	uint16_t internal;
	int err;

	*qset_id = 0;
	if (!f->has_hint)
		return 0;
	err = llink_resolve(nif, f->hint_llink, &internal, ext);
	if (err)
		return err;
	*qset_id = ((uint32_t)internal << 16) | f->hint_qset;
	return qset_hint_check(nif, *qset_id, ext);
}

/* The descriptor from its fields, whoever holds them (a file's flow or a running one). */
static void desc_fill(struct desc_key *k, uint8_t type, uint8_t dir, bool has_llink, uint64_t llink,
		      uint16_t ethertype, uint8_t family, uint8_t proto, uint8_t mask,
		      const uint32_t *a, const uint32_t *b, uint16_t sport, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->type = type;
	k->dir = dir;
	k->has_llink = has_llink;
	k->llink = has_llink ? llink : 0;
	switch (type) {
	case NETIF_FLOW_ETHERTYPE:
		k->ethertype = ethertype;
		break;
	case NETIF_FLOW_ULA:
		memcpy(k->a, a, 16);
		memcpy(k->b, b, 16);
		break;
	case NETIF_FLOW_TUPLE:
		k->family = family;
		k->proto = proto;
		k->mask = mask;
		if (mask & NETIF_TUPLE_M_SRC)
			memcpy(k->a, a, 16);
		if (mask & NETIF_TUPLE_M_DST)
			memcpy(k->b, b, 16);
		k->sport = mask & NETIF_TUPLE_M_SPORT ? sport : 0;
		k->dport = mask & NETIF_TUPLE_M_DPORT ? dport : 0;
		break;
	}
}

void cstate_desc(const struct cfg_flow *f, struct desc_key *k)
{
	bool ula = f->type == NETIF_FLOW_ULA;

	desc_fill(k, f->type, f->dir, f->has_llink, f->llink, f->ethertype, f->family, f->proto,
		  f->mask, ula ? f->local : f->src, ula ? f->remote : f->dst, f->sport, f->dport);
}

void cstate_desc_rec(const struct flow_rec *r, struct desc_key *k)
{
	const struct flow_spec *fs = &r->spec;
	bool ula = fs->type == NETIF_FLOW_ULA;

	desc_fill(k, fs->type, fs->dir, fs->has_llink, fs->llink_id, fs->ethertype, fs->family,
		  fs->proto, fs->mask & ~NETIF_TUPLE_M_LLINK, ula ? fs->local : fs->src,
		  ula ? fs->remote : fs->dst, fs->sport, fs->dport);
}

bool cstate_same_action(const struct cfg_flow *a, const struct cfg_flow *b)
{
	if (a->action != b->action || a->rate != b->rate || a->shape != b->shape ||
	    a->has_hint != b->has_hint)
		return false;
	if (a->action == NETIF_ACTION_PORT && a->port != b->port)
		return false;
	if (a->action == NETIF_ACTION_REDIRECT && strcmp(a->redirect_dev, b->redirect_dev))
		return false;
	if (a->rate && cstate_burst(a->rate, a->burst) != cstate_burst(b->rate, b->burst))
		return false;
	return !a->has_hint || (a->hint_llink == b->hint_llink && a->hint_qset == b->hint_qset);
}

static void field(char **p, size_t *left, const char *key, const char *old, const char *want)
{
	int n = snprintf(*p, *left, "%s%s: %s -> %s", (*p)[-1] ? ", " : "", key, old, want);

	if (n > 0 && (size_t)n < *left) {
		*p += n;
		*left -= n;
	}
}

void cstate_flow_diff(const struct cfg_flow *old, const struct cfg_flow *want, char *buf,
		      size_t len)
{
	char o[48], w[48], *p = buf + 1;
	size_t left = len - 1;

	buf[0] = buf[1] = '\0';
	if (old->action != want->action || old->port != want->port ||
	    strcmp(old->redirect_dev, want->redirect_dev)) {
		snprintf(o, sizeof(o), "%s%s%s", netif_action_name(old->action),
			 old->action == NETIF_ACTION_REDIRECT ? " " : "", old->action ==
			 NETIF_ACTION_REDIRECT ? old->redirect_dev : "");
		snprintf(w, sizeof(w), "%s%s%s", netif_action_name(want->action),
			 want->action == NETIF_ACTION_REDIRECT ? " " : "", want->action ==
			 NETIF_ACTION_REDIRECT ? want->redirect_dev : "");
		if (old->action == NETIF_ACTION_PORT)
			snprintf(o + strlen(o), sizeof(o) - strlen(o), " %u", old->port);
		if (want->action == NETIF_ACTION_PORT)
			snprintf(w + strlen(w), sizeof(w) - strlen(w), " %u", want->port);
		field(&p, &left, "action", o, w);
	}
	if (old->rate != want->rate || cstate_burst(old->rate, old->burst) !=
				       cstate_burst(want->rate, want->burst)) {
		netif_fmt_rate(old->rate, o, sizeof(o));
		netif_fmt_rate(want->rate, w, sizeof(w));
		field(&p, &left, "rate", o, w);
	}
	if (old->shape != want->shape) {
		netif_fmt_rate(old->shape, o, sizeof(o));
		netif_fmt_rate(want->shape, w, sizeof(w));
		field(&p, &left, "shape", o, w);
	}
	if (old->has_hint != want->has_hint || old->hint_llink != want->hint_llink ||
	    old->hint_qset != want->hint_qset) {
		snprintf(o, sizeof(o), old->has_hint ? "%llu/%u" : "none",
			 (unsigned long long)old->hint_llink, old->hint_qset);
		snprintf(w, sizeof(w), want->has_hint ? "%llu/%u" : "none",
			 (unsigned long long)want->hint_llink, want->hint_qset);
		field(&p, &left, "qset-hint", o, w);
	}
	memmove(buf, buf + 1, len - 1);
}

/* ---- llinks and filters ----------------------------------------------------------- */

void cstate_llink(struct netif *nif, const struct netif_llink *ll, struct cfg_llink *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->id = ll->link_id;
	out->has_vlan = ll->vlan != 0;
	out->vlan = ll->vlan;
	for (i = 0; i < ll->nqsets && i < NETIF_LLINK_MAX_QSETS; i++) {
		const struct netif_qset *q = qset_find(nif, ll->qsets[i]);
		struct cfg_qset *cq = &out->qsets[out->nqsets];
		struct qset_config qc;

		if (!q)
			continue;
		qset_config_of(nif, q, &qc);
		cq->flags = qc.flags;
		cq->rx = qc.n_rx;
		cq->tx = qc.n_tx;
		cq->rx_base = qc.rx_base;
		cq->tx_base = qc.tx_base;
		cq->rate = qc.rate;
		cq->burst = qc.rate ? qc.burst : 0;
		cq->shape = qc.shape;
		out->nqsets++;
	}
}

void cstate_llink_config(const struct cfg_llink *l, struct llink_config *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->link_id = l->id;
	out->has_vlan = l->has_vlan;
	out->vlan = l->vlan;
	out->nqsets = l->nqsets;
	for (i = 0; i < l->nqsets; i++) {
		const struct cfg_qset *q = &l->qsets[i];

		out->qsets[i] = (struct qset_config){
			.flags = q->flags, .n_rx = q->rx, .n_tx = q->tx, .rx_base = q->rx_base,
			.tx_base = q->tx_base, .rate = q->rate, .burst = q->burst, .shape = q->shape,
		};
	}
}

bool cstate_same_llink(const struct cfg_llink *a, const struct cfg_llink *b)
{
	unsigned int i;

	if (a->id != b->id || a->has_vlan != b->has_vlan || (a->has_vlan && a->vlan != b->vlan) ||
	    a->nqsets != b->nqsets)
		return false;
	for (i = 0; i < a->nqsets; i++) {
		const struct cfg_qset *x = &a->qsets[i], *y = &b->qsets[i];

		if (x->flags != y->flags || x->rx != y->rx || x->tx != y->tx ||
		    x->rx_base != y->rx_base || x->tx_base != y->tx_base || x->rate != y->rate ||
		    x->shape != y->shape ||
		    (x->rate && cstate_burst(x->rate, x->burst) != cstate_burst(y->rate, y->burst)))
			return false;
	}
	return true;
}

void cstate_filter(const struct filter *f, struct cfg_filter *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = f->kind;
	out->dirs = f->dirs;
	snprintf(out->arg, sizeof(out->arg), "%s", f->arg);
}

bool cstate_same_filter(const struct cfg_filter *a, const struct cfg_filter *b)
{
	return a->kind == b->kind && a->dirs == b->dirs && !strcmp(a->arg, b->arg);
}

/* ---- the export ------------------------------------------------------------------- */

static int by_flow_id(const void *a, const void *b)
{
	const struct flow_rec *x = *(const struct flow_rec *const *)a;
	const struct flow_rec *y = *(const struct flow_rec *const *)b;

	return x->flow_id < y->flow_id ? -1 : x->flow_id > y->flow_id;
}

static int export_netif(struct netif *nif, struct cfg_netif *n)
{
	const struct netif_llink *ll = NULL;
	const struct filter *fi;
	struct flow_rec *r, *tmp, **recs;
	unsigned int i = 0;

	snprintf(n->ifname, sizeof(n->ifname), "%s", nif->ifname);
	n->mode = nif->info.requested_mode;
	n->rx_slots = nif->info.rx_slots;
	n->tx_slots = nif->info.tx_slots;
	n->buf_size = nif->info.buf_size;
	n->max_flows = nif->info.max_flows;
	n->low_latency = nif->info.low_latency;
	n->default_action = nif->cfg.default_action;
	n->unknown_vlan = nif->cfg.vlan_policy;
	n->input_rate = nif->info.input_rate;
	n->input_burst = nif->info.input_rate ? nif->info.input_burst : 0;
	n->shape = nif->info.shape_rate;
	while ((ll = llink_next(nif, ll))) {
		struct cfg_llink *cl;

		if (ll->flags & NETIF_LLINK_F_DEFAULT)
			continue;
		cl = cfg_add_llink(n);
		if (!cl)
			return -ENOMEM;
		cstate_llink(nif, ll, cl);
	}
	/* in the order they were installed: what an apply leaves in place keeps its place */
	recs = calloc(nif->flows.count + 1, sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	HASH_ITER(hh, nif->flows.by_uuid, r, tmp)
		recs[i++] = r;
	qsort(recs, i, sizeof(*recs), by_flow_id);
	for (unsigned int k = 0; k < i; k++) {
		struct cfg_flow *cf = cfg_add_flow(n);

		if (!cf) {
			free(recs);
			return -ENOMEM;
		}
		cstate_flow(nif, recs[k], cf);
	}
	free(recs);
	for (fi = exception_filters(nif); fi; fi = fi->next) {
		struct cfg_filter *cf;

		/* an external filter is a process, not configuration */
		if (fi->kind == NETIF_FILTER_EXTERNAL)
			continue;
		cf = cfg_add_filter(n);
		if (!cf)
			return -ENOMEM;
		cstate_filter(fi, cf);
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cfg_netif *)a)->ifname, ((const struct cfg_netif *)b)->ifname);
}

int config_export(struct agent *ag, const char *only, struct cfg *out)
{
	struct netif *nif, *tmp;
	int err = 0;

	memset(out, 0, sizeof(*out));
	HASH_ITER(hh, ag->netifs, nif, tmp) {
		struct cfg_netif *n;

		if (only && strcmp(only, nif->ifname))
			continue;
		n = cfg_add_netif(out);
		err = n ? export_netif(nif, n) : -ENOMEM;
		if (err) {
			cfg_free(out);
			return err;
		}
	}
	qsort(out->netifs, out->n, sizeof(*out->netifs), by_name);
	return 0;
}
