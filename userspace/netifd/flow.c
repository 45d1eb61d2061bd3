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
#include <sys/random.h>
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

void flow_value(const struct flow_spec *fs, uint32_t flow_id, int nkeys, struct netif_flow *v)
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
	/* a restart looks a flow up by uuid only when it has a key in each family */
	if (nkeys > 1)
		v->flags |= NETIF_FLOW_F_TWO_KEYS;
}

/*
 * A random (version 4) UUID from a buffer of getrandom() bytes: libuuid's
 * uuid_generate_random() makes four system calls per UUID (getrandom,
 * getpid, getppid, getuid), a third of the cost of adding a flow.
 */
static void flow_uuid_new(uint8_t uuid[16])
{
	static uint8_t pool[4096];
	static size_t left;

	if (left < 16) {
		if (getrandom(pool, sizeof(pool), 0) != (ssize_t)sizeof(pool)) {
			uuid_generate_random(uuid);
			return;
		}
		left = sizeof(pool);
	}
	left -= 16;
	memcpy(uuid, pool + left, 16);
	uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

static int map_err_to_user(int err, struct netif *nif, const struct flow_key *k,
			   struct netif_extack *ext)
{
	if (err == -EEXIST) {
		struct netif_flow old;
		char u[37] = "?";

		if (!bpf_map_lookup_elem(nif->dp.map_fd[ft_key_map(k)], ft_key_ptr(k), &old))
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
	struct netif *nif = arg;

	ft_rec_free(&nif->flows, *(struct flow_rec *const *)data);
}

/* The fast path may have counted frames of the flow before the abort: its id goes back zeroed. */
static void undo_stats(void *arg, const void *data)
{
	ft_stats_zero(arg, *(const uint32_t *)data);
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

	bpf_map_delete_elem(nif->dp.map_fd[ft_key_map(k)], ft_key_ptr(k));
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
		flow_uuid_new(fs->uuid);
		fs->has_uuid = true;
	}
	return 0;
}

/* Bucket, redirect target and shaping class: what the flow entry points at. */
static int flow_prepare(struct netif *nif, const struct flow_spec *fs, uint32_t id, int nkeys,
			const struct netif_bucket *bucket, struct netif_flow *val, struct txn *t,
			struct netif_extack *ext)
{
	int err;

	/*
	 * The bucket first: the fast path may hit the flow as soon as it
	 * exists. The counters of a free id are zero already (a removal or an
	 * abort zeroes them, and ids are handed out round-robin, so a freed id
	 * is not reused before the last in-flight packet of its old flow has
	 * long been counted).
	 */
	if (fs->rate && (err = bucket_write(&nif->dp, NETIF_BUCKET_FLOW_BASE + id, bucket))) {
		netif_extack_set(ext, "cannot initialise the flow's bucket: %s", strerror(-err));
		return err;
	}
	err = txn_undo(t, undo_stats, nif, &id, sizeof(id));
	if (err)
		return err;
	flow_value(fs, id, nkeys, val);
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

/*
 * Publish the keys, then the port index and the summary bits (tuple
 * filter, ranks, tables) that make the fast path look for them.
 */
static int flow_publish(struct netif *nif, const struct flow_key *keys, int n,
			const struct netif_flow *val, struct txn *t, struct netif_extack *ext)
{
	bool cfg_dirty = false;
	int i, err = 0, indexed = 0, accounted = 0;

	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(nif->dp.map_fd[ft_key_map(&keys[i])], ft_key_ptr(&keys[i]),
					val, BPF_NOEXIST))
			return map_err_to_user(-errno, nif, &keys[i], ext);
		err = txn_undo(t, undo_key, nif, &keys[i], sizeof(keys[i]));
		if (err)
			return err;
	}
	for (i = 0; i < n && !err; i++)
		if (!(err = ft_index_key(nif, &keys[i], val)))
			indexed++;
	for (i = 0; i < n && !err; i++)
		if (!(err = ft_account_key(nif, &keys[i], 1, &cfg_dirty)))
			accounted++;
	if (!err && cfg_dirty)
		err = dp_cfg_write(&nif->dp, &nif->cfg);
	if (err) {
		for (i = 0; i < accounted; i++)
			ft_account_key(nif, &keys[i], -1, &cfg_dirty);
		for (i = 0; i < indexed; i++)
			ft_index_key(nif, &keys[i], NULL);
		if (cfg_dirty)
			dp_cfg_write(&nif->dp, &nif->cfg);
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
		if (ft_account_key(nif, &r->keys[i], -1, &cfg_dirty) ||
		    ft_index_key(nif, &r->keys[i], NULL))
			pr_warn("%s: cannot update the port index or tuple filter", nif->ifname);
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
	r = ft_rec_alloc(ft);
	if (!r)
		return -ENOMEM;
	err = txn_undo(t, undo_free, nif, &r, sizeof(r)) ?:
	      flow_prepare(nif, fs, id, n, &bucket, &val, t, ext) ?:
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

/* flow_stats holds one entry per CPU and flow id (NETIF_FLOW_STATS_KEY). */
#define FLOW_STATS_MAX_CPUS 1024

int ft_stats_zero(struct netif *nif, uint32_t id)
{
	static struct netif_flow_stats zero[FLOW_STATS_MAX_CPUS];
	uint32_t keys[FLOW_STATS_MAX_CPUS], n;
	int ncpu = libbpf_num_possible_cpus(), cpu, fd = nif->dp.map_fd[DP_FLOW_STATS];

	if (ncpu <= 0 || ncpu > FLOW_STATS_MAX_CPUS)
		return -EINVAL;
	for (cpu = 0; cpu < ncpu; cpu++)
		keys[cpu] = NETIF_FLOW_STATS_KEY(cpu, nif->flows.max, id);
	n = ncpu;
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	if (bpf_map_update_batch(fd, keys, zero, &n, &o) == 0)
		return 0;
	for (cpu = 0; cpu < ncpu; cpu++)
		if (bpf_map_update_elem(fd, &keys[cpu], &zero[0], BPF_ANY))
			return -errno;
	return 0;
}

int flow_counters_id(struct netif *nif, uint32_t id, struct netif_flow_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), cpu;

	memset(st, 0, sizeof(*st));
	if (ncpu <= 0)
		return -EINVAL;
	for (cpu = 0; cpu < ncpu; cpu++) {
		uint32_t key = NETIF_FLOW_STATS_KEY(cpu, nif->flows.max, id);
		struct netif_flow_stats v;

		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_FLOW_STATS], &key, &v))
			return -errno;
		st->packets += v.packets;
		st->bytes += v.bytes;
		st->drops += v.drops;
		st->rate_limited += v.rate_limited;
	}
	return 0;
}

int flow_counters(struct netif *nif, const struct flow_rec *r, struct netif_flow_stats *st)
{
	return flow_counters_id(nif, r->flow_id, st);
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
 * Sum the counters of ids [0, end) into scratch.sum. flow_stats holds each
 * CPU's counters as one run of max-flows entries (NETIF_FLOW_STATS_KEY):
 * each run is read from its start up to end, a batch of entries per
 * system call. An array's batch cursor is the last key read, so a run
 * starting at base is entered with base - 1.
 */
static int sum_all(int fd, uint32_t max, uint32_t end)
{
	int ncpu = libbpf_num_possible_cpus();
	struct netif_flow_stats *v = (struct netif_flow_stats *)scratch.vals;
	uint32_t i, w;
	int err, cpu;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	err = scratch_get(end, ncpu);
	if (err)
		return err;
	v = (struct netif_flow_stats *)scratch.vals;
	for (cpu = 0; cpu < ncpu; cpu++) {
		uint32_t base = (uint32_t)cpu * max, in = base - 1, out = 0, got = 0;

		while (got < end) {
			__u32 count = end - got < FLOW_STATS_BATCH ? end - got : FLOW_STATS_BATCH;
			bool last = false;

			if (bpf_map_lookup_batch(fd, cpu || got ? &in : NULL, &out, scratch.keys,
						 v, &count, NULL) < 0) {
				if (errno != ENOENT)
					return -errno;
				last = true; /* the end of the map, possibly a partial batch */
			}
			for (i = 0; i < count; i++) {
				uint32_t id = scratch.keys[i] - base;
				uint64_t *s, *x;

				if (scratch.keys[i] < base || id >= end)
					continue;
				s = (uint64_t *)&scratch.sum[id];
				x = (uint64_t *)&v[i];
				for (w = 0; w < FLOW_STATS_WORDS; w++)
					s[w] += x[w];
			}
			got += count;
			in = out;
			if (last || !count)
				break;
		}
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
		err = sum_all(nif->dp.map_fd[DP_FLOW_STATS], ft->max, ids_end(ft));
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
