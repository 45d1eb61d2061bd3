// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The flow table of a netif, its bookkeeping: flow ids, the fast path's
 * summary bits (tuple masks, the tuple filter and tables in use), the port
 * index, redirect targets, the port lists the exception path reads, the
 * index by UUID (records carved from chunks), and its rebuild from the
 * pinned maps after a restart. Adding and removing flows is
 * flow.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "bucket.h"
#include "flow_priv.h"
#include "map_reader.h"
#include "llink.h"
#include "log.h"
#include "shape.h"

/* The map a key lives in. */
int ft_key_map(const struct flow_key *k)
{
	switch (k->table) {
	case NETIF_FLOW_ETHERTYPE:
		return DP_ETYPE;
	case NETIF_FLOW_ULA:
		return DP_ULA;
	default:
		return k->family == 6 ? DP_TUPLE6 : DP_TUPLE4;
	}
}

/* ---- the table ------------------------------------------------------- */

#define FLOW_CHUNK 4096

struct flow_chunk {
	struct flow_chunk *next;
	uint32_t used;
	struct flow_rec recs[FLOW_CHUNK];
};

/*
 * One calloc per 4096 flows instead of one per flow: at a restart with a
 * million pinned flows malloc's bookkeeping was a fifth of the rebuild.
 */
struct flow_rec *ft_rec_alloc(struct flow_table *ft)
{
	struct flow_rec *r = ft->free_recs;
	struct flow_chunk *c = ft->chunks;

	if (r) {
		ft->free_recs = r->port_next;
		memset(r, 0, sizeof(*r));
		return r;
	}
	if (!c || c->used == FLOW_CHUNK) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		c->next = ft->chunks;
		ft->chunks = c;
	}
	return &c->recs[c->used++];
}

void ft_rec_free(struct flow_table *ft, struct flow_rec *r)
{
	r->port_next = ft->free_recs;
	ft->free_recs = r;
}

int flow_table_init(struct flow_table *ft, uint32_t max)
{
	int err;

	memset(ft, 0, sizeof(*ft));
	ft->max = max;
	err = tf_init(&ft->tf);
	if (err)
		return err;
	err = pi_init(&ft->pi);
	ft->id_used = calloc((max + 7) / 8, 1);
	if (err || !ft->id_used) {
		tf_free(&ft->tf);
		pi_free(&ft->pi);
		free(ft->id_used);
		ft->id_used = NULL;
		return -ENOMEM;
	}
	return 0;
}

void flow_table_free(struct flow_table *ft)
{
	struct flow_rec *r, *tmp;

	HASH_ITER(hh, ft->by_uuid, r, tmp)
		HASH_DEL(ft->by_uuid, r);
	while (ft->chunks) {
		struct flow_chunk *c = ft->chunks;

		ft->chunks = c->next;
		free(c);
	}
	ft->free_recs = NULL;
	free(ft->id_used);
	ft->id_used = NULL;
	ft->count = 0;
	tf_free(&ft->tf);
	pi_free(&ft->pi);
}

bool ft_id_test(const struct flow_table *ft, uint32_t id)
{
	return ft->id_used[id / 8] & (1U << (id % 8));
}

void ft_id_set(struct flow_table *ft, uint32_t id, bool used)
{
	if (used)
		ft->id_used[id / 8] |= 1U << (id % 8);
	else
		ft->id_used[id / 8] &= ~(1U << (id % 8));
}

int ft_id_alloc(struct flow_table *ft, uint32_t *id)
{
	uint32_t i, cand;

	for (i = 0; i < ft->max; i++) {
		cand = (ft->id_hint + i) % ft->max;
		if (!ft_id_test(ft, cand)) {
			ft_id_set(ft, cand, true);
			ft->id_hint = cand + 1;
			*id = cand;
			return 0;
		}
	}
	return -ENOSPC;
}

struct flow_rec *flow_find(struct netif *nif, const uint8_t uuid[16])
{
	struct flow_rec *r;

	HASH_FIND(hh, nif->flows.by_uuid, uuid, 16, r);
	return r;
}

void *ft_key_ptr(const struct flow_key *k)
{
	/* all members of the union start at the same address */
	return (void *)&k->tuple4;
}

static void tf_key_of(const struct flow_key *k, struct tf_key *t)
{
	memset(t, 0, sizeof(*t));
	t->family = k->family;
	if (k->family == 6) {
		const struct netif_tuple6_key *k6 = &k->tuple6;

		t->slot = NETIF_TUPLE_SLOT(k6->dir, 6);
		t->mask = k6->mask;
		t->proto = k6->proto;
		memcpy(t->src, k6->src, 16);
		memcpy(t->dst, k6->dst, 16);
		t->sport = k6->sport;
		t->dport = k6->dport;
	} else {
		const struct netif_tuple4_key *k4 = &k->tuple4;

		t->slot = NETIF_TUPLE_SLOT(k4->dir, 4);
		t->mask = k4->mask;
		t->proto = k4->proto;
		t->src[0] = k4->src;
		t->dst[0] = k4->dst;
		t->sport = k4->sport;
		t->dport = k4->dport;
	}
}

static int table_bit(const struct flow_key *k, uint8_t *dir)
{
	if (k->table == NETIF_FLOW_ETHERTYPE) {
		*dir = k->etype.dir;
		return k->etype.llink ? 1 : 0;
	}
	*dir = k->ula.dir;
	return k->ula.llink ? 3 : 2;
}

/*
 * Account one more (delta 1) or one less (-1) key in the fast path's
 * summary bits and, for tuple keys, in the tuple filter (whose entries are
 * written here, before the caller writes cfg). *dirty tells whether cfg
 * changed and must be rewritten.
 */
int ft_account_key(struct netif *nif, const struct flow_key *k, int delta, bool *dirty)
{
	uint32_t *ref;
	uint8_t dir;

	if (k->table == NETIF_FLOW_TUPLE) {
		struct netif_cfg before = nif->cfg;
		struct tf_key t;
		int err;

		tf_key_of(k, &t);
		err = tf_account(&nif->flows.tf, nif->dp.map_fd[DP_TUPLE_FILTER], &t, delta);
		if (err || nif->flows.tf.defer)
			return err; /* a restart works cfg out once, at the end */
		tf_cfg(&nif->flows.tf, &nif->cfg);
		*dirty |= memcmp(&before, &nif->cfg, sizeof(before)) != 0;
		return 0;
	}
	{
		int b = table_bit(k, &dir);
		uint8_t *tbits = &nif->cfg.tables[dir & 1];

		ref = &nif->flows.table_refs[dir & 1][b];
		*ref += delta;
		if ((*ref != 0) == !!(*tbits & (1U << b)))
			return 0;
		*tbits ^= 1U << b;
		*dirty = true;
		return 0;
	}
}

/* Index (v != NULL) or forget a tuple key in the port index, when it is one it holds. */
int ft_index_key(struct netif *nif, const struct flow_key *k, const struct netif_flow *v)
{
	struct tf_key t;

	if (k->table != NETIF_FLOW_TUPLE)
		return 0;
	tf_key_of(k, &t);
	if (!pi_covers(&t))
		return 0;
	if (!v)
		return pi_del(&nif->flows.pi, nif->dp.map_fd[DP_PORT_INDEX], &t);
	return pi_add(&nif->flows.pi, nif->dp.map_fd[DP_PORT_INDEX], nif->dp.map_fd[DP_PORT_FLOWS],
		      &t, v);
}

int ft_index_update(struct netif *nif, const struct flow_key *k, const struct netif_flow *v)
{
	struct tf_key t;

	if (k->table != NETIF_FLOW_TUPLE)
		return 0;
	tf_key_of(k, &t);
	if (!pi_covers(&t))
		return 0;
	return pi_replace(&nif->flows.pi, nif->dp.map_fd[DP_PORT_INDEX],
			  nif->dp.map_fd[DP_PORT_FLOWS], &t, v);
}

int ft_redirect_ref(struct netif *nif, uint32_t ifindex, int delta)
{
	struct redirect_ref *free_slot = NULL;
	int i;

	for (i = 0; i < NETIF_MAX_REDIRECTS; i++) {
		struct redirect_ref *r = &nif->redirects[i];

		if (r->refs && r->ifindex == ifindex) {
			r->refs += delta;
			if (!r->refs)
				bpf_map_delete_elem(nif->dp.map_fd[DP_DEVMAP], &ifindex);
			return 0;
		}
		if (!r->refs && !free_slot)
			free_slot = r;
	}
	if (delta < 0)
		return 0;
	if (!free_slot)
		return -ENOSPC;
	{
		__u32 v = ifindex;

		if (bpf_map_update_elem(nif->dp.map_fd[DP_DEVMAP], &ifindex, &v, BPF_ANY))
			return -errno;
	}
	free_slot->ifindex = ifindex;
	free_slot->refs = 1;
	return 0;
}

/* Keep the counts and port lists the exception path relies on. */
void ft_track(struct flow_table *ft, struct flow_rec *r, bool add)
{
	const struct flow_spec *fs = &r->spec;
	int d = add ? 1 : -1;

	if (fs->dir == NETIF_DIR_IN && (fs->action == NETIF_ACTION_PORT ||
					fs->action == NETIF_ACTION_EXCEPTION))
		ft->exc_flows += d;
	if (fs->dir == NETIF_DIR_OUT && fs->action == NETIF_ACTION_EXCEPTION)
		ft->egress_exc_flows += d;
	if (fs->action != NETIF_ACTION_PORT || fs->port >= NETIF_PORT_MAX)
		return;
	if (add) {
		r->port_next = ft->by_port[fs->port];
		ft->by_port[fs->port] = r;
		return;
	}
	for (struct flow_rec **pp = &ft->by_port[fs->port]; *pp; pp = &(*pp)->port_next) {
		if (*pp == r) {
			*pp = r->port_next;
			break;
		}
	}
}

/* ---- rebuild after restart ------------------------------------------ */

static void spec_from_key(const struct flow_key *k, const struct netif_flow *v,
			  struct flow_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	memcpy(fs->uuid, v->uuid, 16);
	fs->has_uuid = true;
	fs->type = k->table;
	fs->action = v->action;
	fs->port = v->port;
	fs->redirect_ifindex = v->redirect_ifindex;
	fs->qset_hint = v->qset_hint;
	switch (k->table) {
	case NETIF_FLOW_ETHERTYPE:
		fs->dir = k->etype.dir;
		fs->ethertype = k->etype.ethertype;
		fs->has_llink = k->etype.llink != 0;
		fs->llink_internal = k->etype.llink;
		break;
	case NETIF_FLOW_ULA:
		fs->dir = k->ula.dir;
		fs->family = 6;
		memcpy(fs->local, k->ula.local, 16);
		memcpy(fs->remote, k->ula.remote, 16);
		fs->has_llink = k->ula.llink != 0;
		fs->llink_internal = k->ula.llink;
		break;
	case NETIF_FLOW_TUPLE:
		fs->family = k->family;
		if (k->family == 6) {
			const struct netif_tuple6_key *k6 = &k->tuple6;

			fs->dir = k6->dir;
			fs->proto = k6->proto;
			fs->mask = k6->mask & ~NETIF_TUPLE_M_LLINK;
			memcpy(fs->src, k6->src, 16);
			memcpy(fs->dst, k6->dst, 16);
			fs->sport = ntohs(k6->sport);
			fs->dport = ntohs(k6->dport);
			fs->has_llink = k6->mask & NETIF_TUPLE_M_LLINK;
			fs->llink_internal = k6->llink;
		} else {
			const struct netif_tuple4_key *k4 = &k->tuple4;

			fs->dir = k4->dir;
			fs->proto = k4->proto;
			fs->mask = k4->mask & ~NETIF_TUPLE_M_LLINK;
			fs->src[0] = k4->src;
			fs->dst[0] = k4->dst;
			fs->sport = ntohs(k4->sport);
			fs->dport = ntohs(k4->dport);
			fs->has_llink = k4->mask & NETIF_TUPLE_M_LLINK;
			fs->llink_internal = k4->llink;
		}
		break;
	}
	if (fs->has_llink)
		fs->llink_id = v->link_id;
}

/* Index one pinned key (and its flow, the first time its uuid is seen). */
static int rebuild_key(struct netif *nif, int fd, const struct flow_key *k,
		       const struct netif_flow *v)
{
	bool dirty = false;
	/* only a flow with a key in each family can have been seen already */
	struct flow_rec *r = v->flags & NETIF_FLOW_F_TWO_KEYS ? flow_find(nif, v->uuid) : NULL;

	if (r) {
		/* the other address family of a family-less tuple flow */
		if (r->nkeys < 2) {
			r->keys[r->nkeys++] = *k;
			r->spec.family = 0;
		}
	} else {
		if (v->flow_id >= nif->flows.max || ft_id_test(&nif->flows, v->flow_id)) {
			pr_warn("%s: pinned flow with bad id %u dropped", nif->ifname, v->flow_id);
			bpf_map_delete_elem(fd, ft_key_ptr(k));
			return 0;
		}
		r = ft_rec_alloc(&nif->flows);
		if (!r)
			return -ENOMEM;
		spec_from_key(k, v, &r->spec);
		memcpy(r->uuid, v->uuid, 16);
		r->flow_id = v->flow_id;
		r->classid = v->classid;
		r->keys[0] = *k;
		r->nkeys = 1;
		if (v->flags & NETIF_FLOW_F_RATE) {
			struct netif_bucket b;

			if (bucket_read(&nif->dp, NETIF_BUCKET_FLOW_BASE + r->flow_id, &b) == 0 &&
			    b.rate) {
				r->spec.rate = b.rate;
				r->spec.burst = b.burst;
			}
		}
		ft_id_set(&nif->flows, v->flow_id, true);
		HASH_ADD(hh, nif->flows.by_uuid, uuid, 16, r);
		nif->flows.count++;
	}
	return ft_index_key(nif, k, v) ?: ft_account_key(nif, k, 1, &dirty);
}

/*
 * Walk one flow map. A second thread reads the pinned map in batches
 * (map_reader.c) while this one indexes the batch before: for a million
 * flows the kernel's walk is over a quarter of the time.
 */
static int rebuild_table(struct netif *nif, uint8_t table, uint8_t family, size_t key_size)
{
	struct flow_key k = { .table = table, .family = family };
	int fd = nif->dp.map_fd[ft_key_map(&k)], err;
	const uint8_t *keys, *vals;
	struct map_reader *mr = NULL;
	uint32_t n;

	err = map_reader_start(&mr, fd, key_size, sizeof(struct netif_flow));
	while (!err) {
		err = map_reader_next(mr, &keys, &vals, &n);
		if (err) {
			pr_warn("%s: cannot read pinned flows: %s", nif->ifname, strerror(-err));
			break;
		}
		if (!n)
			break;
		for (uint32_t i = 0; i < n && !err; i++) {
			memcpy(ft_key_ptr(&k), keys + (size_t)i * key_size, key_size);
			err = rebuild_key(nif, fd, &k, (const struct netif_flow *)vals + i);
		}
	}
	map_reader_free(mr);
	return err;
}

int flow_table_rebuild(struct netif *nif)
{
	struct flow_rec *r, *tmp;
	struct netif_cfg before = nif->cfg;
	int err;

	memset(nif->cfg.tuple_ranks, 0, sizeof(nif->cfg.tuple_ranks));
	memset(nif->cfg.tuple_fields, 0, sizeof(nif->cfg.tuple_fields));
	memset(nif->cfg.tables, 0, sizeof(nif->cfg.tables));
	/* the filter and the port index are written once, whole, when every key is counted */
	nif->flows.tf.defer = true;
	nif->flows.pi.defer = true;
	err = rebuild_table(nif, NETIF_FLOW_TUPLE, 4, sizeof(struct netif_tuple4_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_TUPLE, 6, sizeof(struct netif_tuple6_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_ULA, 0, sizeof(struct netif_ula_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_ETHERTYPE, 0, sizeof(struct netif_etype_key));
	nif->flows.tf.defer = false;
	nif->flows.pi.defer = false;
	tf_cfg(&nif->flows.tf, &nif->cfg);
	if (!err)
		err = tf_sync(&nif->flows.tf, nif->dp.map_fd[DP_TUPLE_FILTER]) ?:
		      pi_sync(&nif->flows.pi, nif->dp.map_fd[DP_PORT_INDEX]);
	if (err)
		return err;
	HASH_ITER(hh, nif->flows.by_uuid, r, tmp) {
		ft_track(&nif->flows, r, true);
		if (r->spec.action == NETIF_ACTION_REDIRECT)
			ft_redirect_ref(nif, r->spec.redirect_ifindex, 1);
		if (r->spec.has_llink)
			llink_id_of(nif, r->spec.llink_internal, &r->spec.llink_id);
		if (r->classid)
			r->spec.shape = shape_class_rate(nif, r->classid);
		if (r->spec.action == NETIF_ACTION_REDIRECT) {
			char name[IF_NAMESIZE];

			if (if_indextoname(r->spec.redirect_ifindex, name))
				snprintf(r->spec.redirect_dev, sizeof(r->spec.redirect_dev), "%s", name);
		}
	}
	/* the summary bits are derived state: rewrite them if they drifted */
	if (memcmp(&before, &nif->cfg, sizeof(before)))
		return dp_cfg_write(&nif->dp, &nif->cfg);
	return 0;
}
