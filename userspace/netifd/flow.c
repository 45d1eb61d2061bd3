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
#include <bpf/libbpf.h>
#include "netif/parse.h"
#include "agent.h"
#include "bucket.h"
#include "events.h"
#include "flow.h"
#include "flow_priv.h"
#include "llink.h"
#include "log.h"
#include "rtnl.h"
#include "shape.h"
#include "txn.h"

void flow_value(const struct flow_spec *fs, uint32_t flow_id, struct netif_flow *v)
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

/* Resolve what a flow's action refers to (qset, redirect device) and settle its burst. */
int flow_resolve_action(struct netif *nif, struct flow_spec *fs, struct netif_bucket *bucket,
			struct netif_extack *ext)
{
	int err;

	/* what an ingress exception flow hands up goes back to the host stack */
	if (fs->dir == NETIF_DIR_IN && fs->action == NETIF_ACTION_EXCEPTION) {
		err = dp_require(&nif->dp, NETIF_FEAT_REINJECT,
				 "an ingress flow with action exception", ext);
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

/* Resolve the references a spec makes (uuid, llink, qset, redirect device) and settle defaults. */
static int flow_resolve(struct netif *nif, struct flow_spec *fs, struct netif_bucket *bucket,
			struct netif_extack *ext)
{
	int err;

	if (fs->has_uuid && flow_find(nif, fs->uuid)) {
		netif_extack_set(ext, "a flow with this uuid exists");
		return -EEXIST;
	}
	if (fs->has_llink) {
		err = llink_resolve(nif, fs->llink_id, &fs->llink_internal, ext);
		if (err)
			return err;
	}
	err = flow_resolve_action(nif, fs, bucket, ext);
	if (err)
		return err;
	/* last: a failed request leaves the caller's spec without a made-up uuid */
	if (!fs->has_uuid) {
		uuid_generate_random(fs->uuid);
		fs->has_uuid = true;
	}
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

void flow_publish_event(struct netif *nif, const struct flow_rec *r, uint8_t kind)
{
	struct netif_event ev = { .kind = kind, .ifname = nif->ifname, .nif = nif, .flow = r };

	events_publish(&ev);
}

static void announce_add(void *arg, const void *data)
{
	struct flow_rec *r = flow_find(arg, data);

	if (r)
		flow_publish_event(arg, r, NETIF_EVENT_FLOW_ADD);
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
	return txn_undo(t, undo_index, nif, &r, sizeof(r)) ?:
	       txn_on_commit(t, announce_add, nif, r->uuid, 16);
}

int flow_counters(struct netif *nif, const struct flow_rec *r, struct netif_flow_stats *st)
{
	return dp_percpu_sum(nif->dp.map_fd[DP_FLOW_STATS], r->flow_id, (uint64_t *)st,
			     sizeof(*st) / sizeof(uint64_t));
}

#define FLOW_STATS_WORDS (sizeof(struct netif_flow_stats) / sizeof(uint64_t))
#define FLOW_STATS_BATCH 8192U

/*
 * Scratch of the batched reads, kept from one call to the next: a scrape
 * every few seconds would otherwise fault a few MB of fresh pages in
 * each time. netifd is single-threaded; the memory is the size of the
 * largest flow table read so far.
 */
static struct {
	uint32_t *keys;
	uint64_t *vals;
	struct netif_flow_stats *sum;
	size_t nsum;
	int ncpu;
} scratch;

static int scratch_get(uint32_t max, int ncpu)
{
	if (!scratch.keys || scratch.ncpu != ncpu) {
		free(scratch.keys);
		free(scratch.vals);
		scratch.keys = calloc(FLOW_STATS_BATCH, sizeof(*scratch.keys));
		scratch.vals = calloc((size_t)FLOW_STATS_BATCH * ncpu, sizeof(struct netif_flow_stats));
		scratch.ncpu = ncpu;
		if (!scratch.keys || !scratch.vals)
			return -ENOMEM;
	}
	if (scratch.nsum < max) {
		struct netif_flow_stats *sum = realloc(scratch.sum, (size_t)max * sizeof(*sum));

		if (!sum)
			return -ENOMEM;
		scratch.sum = sum;
		scratch.nsum = max;
	}
	memset(scratch.sum, 0, (size_t)max * sizeof(*scratch.sum));
	return 0;
}

/* One past the highest flow id in use: where an array read in key order may stop. */
static uint32_t ids_end(const struct flow_table *ft)
{
	uint32_t byte = (ft->max + 7) / 8;

	while (byte && !ft->id_used[byte - 1])
		byte--;
	return byte * 8 < ft->max ? byte * 8 : ft->max;
}

/*
 * Sum the per-CPU values of ids [0, max) into scratch.sum, a batch of ids
 * per system call (an array is read in key order, so the reads stop at
 * max rather than at the end of the map).
 */
static int sum_all(int fd, uint32_t max)
{
	int ncpu = libbpf_num_possible_cpus();
	uint32_t in = 0, out = 0, i, w;
	bool first = true, done = false;
	uint64_t *s, *v;
	int err, cpu;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	err = scratch_get(max, ncpu);
	if (err)
		return err;
	while (!done && (first || out < max)) {
		__u32 count = FLOW_STATS_BATCH;

		if (bpf_map_lookup_batch(fd, first ? NULL : &in, &out, scratch.keys, scratch.vals,
					 &count, NULL) < 0) {
			if (errno != ENOENT)
				return -errno;
			done = true; /* the last batch, possibly partial */
		}
		for (i = 0; i < count; i++) {
			if (scratch.keys[i] >= max)
				continue;
			s = (uint64_t *)&scratch.sum[scratch.keys[i]];
			v = &scratch.vals[(size_t)i * ncpu * FLOW_STATS_WORDS];
			for (cpu = 0; cpu < ncpu; cpu++, v += FLOW_STATS_WORDS)
				for (w = 0; w < FLOW_STATS_WORDS; w++)
					s[w] += v[w];
		}
		in = out;
		first = false;
	}
	return 0;
}

int flow_counters_all(struct netif *nif,
		      void (*fn)(void *arg, const struct flow_rec *r, const struct netif_flow_stats *st),
		      void *arg)
{
	struct flow_table *ft = &nif->flows;
	struct netif_flow_stats one = {};
	struct flow_rec *r, *tmp;
	int err = -EOPNOTSUPP;

	/* a few flows in a big table: their own lookups read less than the whole array */
	if ((uint64_t)ft->count * 64 >= ft->max)
		err = sum_all(nif->dp.map_fd[DP_FLOW_STATS], ids_end(ft));
	HASH_ITER(hh, ft->by_uuid, r, tmp) {
		if (err) {
			/* no batches (a kernel before 5.6): one lookup per flow */
			memset(&one, 0, sizeof(one));
			flow_counters(nif, r, &one);
			fn(arg, r, &one);
		} else {
			fn(arg, r, r->flow_id < scratch.nsum ? &scratch.sum[r->flow_id] : &one);
		}
	}
	return 0;
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
