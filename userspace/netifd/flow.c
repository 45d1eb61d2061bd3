// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The flows of a netif: flow ids, installation in the BPF flow tables
 * (and the fast path's summary bits), the agent's index by UUID, its
 * rebuild from the pins after a restart, and XNU's check of what a client
 * port may transmit.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <uuid/uuid.h>
#include <bpf/bpf.h>
#include "netif/parse.h"
#include "agent.h"
#include "bucket.h"
#include "flow.h"
#include "flow_priv.h"
#include "llink.h"
#include "log.h"
#include "rtnl.h"
#include "shape.h"
#include "txn.h"

static void flow_value(const struct flow_spec *fs, uint32_t flow_id, struct netif_flow *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->uuid, fs->uuid, 16);
	v->flow_id = flow_id;
	v->action = fs->action;
	v->port = fs->port;
	v->redirect_ifindex = fs->redirect_ifindex;
	v->qset_hint = fs->qset_hint;
	v->link_id = fs->llink_id;
	if (fs->rate)
		v->flags |= NETIF_FLOW_F_RATE;
	if (fs->shape)
		v->flags |= NETIF_FLOW_F_SHAPE;
}

static int map_err_to_user(int err, struct netif *nif, const struct flow_key *k,
			   struct netif_extack *ext)
{
	if (err == -EEXIST) {
		struct netif_flow old;
		char u[37] = "?";

		if (!bpf_map_lookup_elem(nif->dp.map_fd[ft_flow_map[k->table]], ft_key_ptr(k), &old))
			uuid_unparse(old.uuid, u);
		netif_extack_set(ext, "a flow with the same descriptor exists (uuid %s)", u);
		return -EEXIST;
	}
	if (err == -E2BIG || err == -ENOMEM || err == -ENOSPC) {
		netif_extack_set(ext, "flow table full (max-flows %u)", nif->flows.max);
		return -ENOSPC;
	}
	netif_extack_set(ext, "cannot install the flow: %s", strerror(-err));
	return err;
}

/* ---- adding, as steps of a transaction ------------------------------- */

static void undo_id(void *arg, const void *data)
{
	struct netif *nif = arg;

	ft_id_set(&nif->flows, *(const uint32_t *)data, false);
}

static void undo_free(void *arg, const void *data)
{
	free(arg);
}

static void undo_redirect(void *arg, const void *data)
{
	ft_redirect_ref(arg, *(const uint32_t *)data, -1);
}

static void undo_shape(void *arg, const void *data)
{
	shape_class_del(arg, *(const uint32_t *)data);
}

static void undo_key(void *arg, const void *data)
{
	const struct flow_key *k = data;
	struct netif *nif = arg;

	bpf_map_delete_elem(nif->dp.map_fd[ft_flow_map[k->table]], ft_key_ptr(k));
}

/* Resolve the references a spec makes (llink, qset, redirect device) and settle defaults. */
static int flow_resolve(struct netif *nif, struct flow_spec *fs, struct netif_bucket *bucket,
			struct netif_extack *ext)
{
	int err;

	if (fs->has_uuid && flow_find(nif, fs->uuid)) {
		netif_extack_set(ext, "a flow with this uuid exists");
		return -EEXIST;
	}
	if (!fs->has_uuid) {
		uuid_generate_random(fs->uuid);
		fs->has_uuid = true;
	}
	if (fs->has_llink) {
		err = llink_resolve(nif, fs->llink_id, &fs->llink_internal, ext);
		if (err)
			return err;
	}
	if (fs->qset_hint) {
		err = qset_hint_check(nif, fs->qset_hint, ext);
		if (err)
			return err;
	}
	if (fs->action == NETIF_ACTION_REDIRECT) {
		struct link_info li;

		if (rtnl_link_get(0, fs->redirect_dev, &li)) {
			netif_extack_set(ext, "redirect device %s does not exist", fs->redirect_dev);
			return -ENODEV;
		}
		fs->redirect_ifindex = li.ifindex;
	}
	bucket_params(fs->rate, fs->burst, "flow", bucket, NULL);
	fs->burst = bucket->burst;
	return 0;
}

/* Counters, bucket, redirect target and shaping class: what the flow entry points at. */
static int flow_prepare(struct netif *nif, const struct flow_spec *fs, uint32_t id,
			const struct netif_bucket *bucket, struct netif_flow *val, struct txn *t,
			struct netif_extack *ext)
{
	int err;

	/* counters and bucket first: the fast path may hit the flow as soon as it exists */
	err = dp_percpu_zero(nif->dp.map_fd[DP_FLOW_STATS], id, sizeof(struct netif_flow_stats));
	if (!err)
		err = bucket_write(&nif->dp, NETIF_BUCKET_FLOW_BASE + id, bucket);
	if (err) {
		netif_extack_set(ext, "cannot initialise flow counters: %s", strerror(-err));
		return err;
	}
	flow_value(fs, id, val);
	if (fs->action == NETIF_ACTION_REDIRECT) {
		if (ft_redirect_ref(nif, fs->redirect_ifindex, 1)) {
			netif_extack_set(ext, "too many redirect targets (max %d)", NETIF_MAX_REDIRECTS);
			return -ENOSPC;
		}
		err = txn_undo(t, undo_redirect, nif, &fs->redirect_ifindex, sizeof(uint32_t));
		if (err)
			return err;
	}
	if (fs->shape) {
		err = shape_flow_add(nif, fs->shape, &val->classid, ext);
		if (!err)
			err = txn_undo(t, undo_shape, nif, &val->classid, sizeof(uint32_t));
	}
	return err;
}

/* Publish the keys, then the summary bits that make the fast path probe them. */
static int flow_publish(struct netif *nif, const struct flow_key *keys, int n,
			const struct netif_flow *val, struct txn *t, struct netif_extack *ext)
{
	bool cfg_dirty = false;
	int i, err;

	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(nif->dp.map_fd[ft_flow_map[keys[i].table]], ft_key_ptr(&keys[i]),
					val, BPF_NOEXIST))
			return map_err_to_user(-errno, nif, &keys[i], ext);
		err = txn_undo(t, undo_key, nif, &keys[i], sizeof(keys[i]));
		if (err)
			return err;
	}
	for (i = 0; i < n; i++)
		cfg_dirty |= ft_account_key(nif, &keys[i], 1);
	if (cfg_dirty && (err = dp_cfg_write(&nif->dp, &nif->cfg))) {
		for (i = 0; i < n; i++)
			ft_account_key(nif, &keys[i], -1);
		netif_extack_set(ext, "cannot update the netif configuration: %s", strerror(-err));
		return err;
	}
	return 0;
}

/* Forget an indexed flow whose transaction aborted (its map entries go by their own undos). */
static void undo_index(void *arg, const void *data)
{
	struct flow_rec *r = *(struct flow_rec *const *)data;
	struct netif *nif = arg;
	bool cfg_dirty = false;
	int i;

	for (i = 0; i < r->nkeys; i++)
		cfg_dirty |= ft_account_key(nif, &r->keys[i], -1);
	if (cfg_dirty)
		dp_cfg_write(&nif->dp, &nif->cfg);
	ft_track(&nif->flows, r, false);
	HASH_DEL(nif->flows.by_uuid, r);
	nif->flows.count--;
}

int flow_add(struct netif *nif, struct flow_spec *fs, struct txn *t, struct netif_extack *ext)
{
	struct flow_table *ft = &nif->flows;
	struct netif_bucket bucket;
	struct flow_key keys[2];
	struct netif_flow val;
	struct flow_rec *r;
	uint32_t id;
	int err, n;

	err = flow_spec_check(fs, ext) ?: flow_resolve(nif, fs, &bucket, ext);
	if (err)
		return err;
	n = flow_spec_keys(fs, keys);
	if (n == 0) {
		netif_extack_set(ext, "flow matches no address family");
		return -EINVAL;
	}
	if (ft->count >= ft->max || ft_id_alloc(ft, &id)) {
		netif_extack_set(ext, "flow table full (max-flows %u)", ft->max);
		return -ENOSPC;
	}
	err = txn_undo(t, undo_id, nif, &id, sizeof(id));
	if (err)
		return err;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = txn_undo(t, undo_free, r, NULL, 0) ?:
	      flow_prepare(nif, fs, id, &bucket, &val, t, ext) ?:
	      flow_publish(nif, keys, n, &val, t, ext);
	if (err)
		return err;
	memcpy(r->uuid, fs->uuid, 16);
	r->spec = *fs;
	r->flow_id = id;
	r->classid = val.classid;
	r->nkeys = n;
	memcpy(r->keys, keys, sizeof(keys));
	HASH_ADD(hh, ft->by_uuid, uuid, 16, r);
	ft->count++;
	ft_track(ft, r, true);
	return txn_undo(t, undo_index, nif, &r, sizeof(r));
}

int flow_del(struct netif *nif, const uint8_t uuid[16], struct netif_extack *ext)
{
	struct flow_rec *r;
	bool cfg_dirty = false;
	int i;

	if (uuid_is_null(uuid)) {
		netif_extack_set(ext, "flow uuid is null");
		return -EINVAL;
	}
	r = flow_find(nif, uuid);
	if (!r) {
		netif_extack_set(ext, "no such flow");
		return -ENOENT;
	}
	/* stop probing a mask before its last key disappears */
	for (i = 0; i < r->nkeys; i++)
		cfg_dirty |= ft_account_key(nif, &r->keys[i], -1);
	if (cfg_dirty)
		dp_cfg_write(&nif->dp, &nif->cfg);
	for (i = 0; i < r->nkeys; i++)
		bpf_map_delete_elem(nif->dp.map_fd[ft_flow_map[r->keys[i].table]], ft_key_ptr(&r->keys[i]));
	if (r->spec.action == NETIF_ACTION_REDIRECT)
		ft_redirect_ref(nif, r->spec.redirect_ifindex, -1);
	if (r->classid)
		shape_class_del(nif, r->classid);
	ft_id_set(&nif->flows, r->flow_id, false);
	ft_track(&nif->flows, r, false);
	HASH_DEL(nif->flows.by_uuid, r);
	nif->flows.count--;
	free(r);
	return 0;
}

int flow_counters(struct netif *nif, const struct flow_rec *r, struct netif_flow_stats *st)
{
	return dp_percpu_sum(nif->dp.map_fd[DP_FLOW_STATS], r->flow_id, (uint64_t *)st,
			     sizeof(*st) / sizeof(uint64_t));
}

/* ---- client transmit validation --------------------------------------- */

static bool addr_eq(const uint32_t *a, const uint32_t *b)
{
	return memcmp(a, b, 16) == 0;
}

static bool reverse_matches(const struct flow_spec *fs, const struct netif_pkt *p)
{
	switch (fs->type) {
	case NETIF_FLOW_ETHERTYPE:
		return !p->family && p->ethertype == fs->ethertype;
	case NETIF_FLOW_ULA:
		return p->family == 6 && addr_eq(p->src, fs->local) && addr_eq(p->dst, fs->remote);
	case NETIF_FLOW_TUPLE:
		if (!p->family || (fs->family && fs->family != p->family) || p->proto != fs->proto)
			return false;
		/* the flow names the inbound direction: our source is its destination */
		if ((fs->mask & NETIF_TUPLE_M_SRC) && !addr_eq(p->dst, fs->src))
			return false;
		if ((fs->mask & NETIF_TUPLE_M_DST) && !addr_eq(p->src, fs->dst))
			return false;
		if (fs->mask & (NETIF_TUPLE_M_SPORT | NETIF_TUPLE_M_DPORT)) {
			if (!p->has_ports)
				return false;
			if (fs->proto == IPPROTO_ICMP || fs->proto == IPPROTO_ICMPV6)
				return true; /* a reply has its own type/code */
			if ((fs->mask & NETIF_TUPLE_M_SPORT) && ntohs(p->dport) != fs->sport)
				return false;
			if ((fs->mask & NETIF_TUPLE_M_DPORT) && ntohs(p->sport) != fs->dport)
				return false;
		}
		return true;
	}
	return false;
}

bool flow_port_matches_tx(struct netif *nif, uint8_t port, const void *frame, uint32_t len)
{
	struct netif_pkt p = {};
	struct flow_rec *r;

	if (port >= NETIF_PORT_MAX ||
	    netif_parse((void *)frame, (uint8_t *)frame + len, &p) != NETIF_PARSE_OK)
		return false;
	for (r = nif->flows.by_port[port]; r; r = r->port_next)
		if (reverse_matches(&r->spec, &p))
			return true;
	return false;
}
