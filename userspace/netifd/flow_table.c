// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The flow table of a netif, its bookkeeping: flow ids, the fast path's
 * summary bits (tuple masks and tables in use), redirect targets, the
 * port lists the exception path reads, the index by UUID, and its rebuild
 * from the pinned maps after a restart. Adding and removing flows is
 * flow.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "agent.h"
#include "bucket.h"
#include "flow_priv.h"
#include "llink.h"
#include "log.h"
#include "shape.h"

const int ft_flow_map[] = {
	[NETIF_FLOW_ETHERTYPE] = DP_ETYPE,
	[NETIF_FLOW_ULA] = DP_ULA,
	[NETIF_FLOW_TUPLE] = DP_TUPLE,
};

/* ---- the table ------------------------------------------------------- */

int flow_table_init(struct flow_table *ft, uint32_t max)
{
	memset(ft, 0, sizeof(*ft));
	ft->max = max;
	ft->id_used = calloc((max + 7) / 8, 1);
	return ft->id_used ? 0 : -ENOMEM;
}

void flow_table_free(struct flow_table *ft)
{
	struct flow_rec *r, *tmp;

	HASH_ITER(hh, ft->by_uuid, r, tmp) {
		HASH_DEL(ft->by_uuid, r);
		free(r);
	}
	free(ft->id_used);
	ft->id_used = NULL;
	ft->count = 0;
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
	return (void *)&k->tuple;
}

static int tuple_slot(const struct netif_tuple_key *k)
{
	return (k->dir & 1) * 2 + (k->family == 6);
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
 * summary bits. Returns true when a bit changed and cfg must be rewritten.
 */
bool ft_account_key(struct netif *nif, const struct flow_key *k, int delta)
{
	uint32_t *ref;
	uint32_t *word;
	uint32_t bit;
	uint8_t dir;

	if (k->table == NETIF_FLOW_TUPLE) {
		int slot = tuple_slot(&k->tuple);

		ref = &nif->flows.mask_refs[slot][k->tuple.mask & 31];
		word = &nif->cfg.tuple_masks[slot];
		bit = 1U << (k->tuple.mask & 31);
		*ref += delta;
		if ((*ref != 0) == !!(*word & bit))
			return false;
		*word ^= bit;
		return true;
	}
	{
		int b = table_bit(k, &dir);
		uint8_t *tbits = &nif->cfg.tables[dir & 1];

		ref = &nif->flows.table_refs[dir & 1][b];
		*ref += delta;
		if ((*ref != 0) == !!(*tbits & (1U << b)))
			return false;
		*tbits ^= 1U << b;
		return true;
	}
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
		fs->dir = k->tuple.dir;
		fs->family = k->tuple.family;
		fs->proto = k->tuple.proto;
		fs->mask = k->tuple.mask & ~NETIF_TUPLE_M_LLINK;
		memcpy(fs->src, k->tuple.src, 16);
		memcpy(fs->dst, k->tuple.dst, 16);
		fs->sport = ntohs(k->tuple.sport);
		fs->dport = ntohs(k->tuple.dport);
		fs->has_llink = k->tuple.mask & NETIF_TUPLE_M_LLINK;
		fs->llink_internal = k->tuple.llink;
		break;
	}
	if (fs->has_llink)
		fs->llink_id = v->link_id;
}

static int rebuild_table(struct netif *nif, uint8_t table, size_t key_size)
{
	int fd = nif->dp.map_fd[ft_flow_map[table]];
	struct flow_key k = { .table = table }, next = { .table = table };
	struct netif_flow v;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, ft_key_ptr(&next)) == 0) {
		struct flow_rec *r;

		k = next;
		prev = ft_key_ptr(&k);
		if (bpf_map_lookup_elem(fd, ft_key_ptr(&k), &v))
			continue;
		r = flow_find(nif, v.uuid);
		if (r) {
			/* the other address family of a family-less tuple flow */
			if (r->nkeys < 2) {
				r->keys[r->nkeys++] = k;
				r->spec.family = 0;
			}
		} else {
			if (v.flow_id >= nif->flows.max || ft_id_test(&nif->flows, v.flow_id)) {
				pr_warn("%s: pinned flow with bad id %u dropped", nif->ifname, v.flow_id);
				bpf_map_delete_elem(fd, ft_key_ptr(&k));
				continue;
			}
			r = calloc(1, sizeof(*r));
			if (!r)
				return -ENOMEM;
			spec_from_key(&k, &v, &r->spec);
			memcpy(r->uuid, v.uuid, 16);
			r->flow_id = v.flow_id;
			r->classid = v.classid;
			r->keys[0] = k;
			r->nkeys = 1;
			ft_id_set(&nif->flows, v.flow_id, true);
			HASH_ADD(hh, nif->flows.by_uuid, uuid, 16, r);
			nif->flows.count++;
		}
		ft_account_key(nif, &k, 1);
	}
	(void)key_size;
	return 0;
}

int flow_table_rebuild(struct netif *nif)
{
	struct flow_rec *r, *tmp;
	struct netif_cfg before = nif->cfg;
	int err;

	memset(nif->cfg.tuple_masks, 0, sizeof(nif->cfg.tuple_masks));
	memset(nif->cfg.tables, 0, sizeof(nif->cfg.tables));
	err = rebuild_table(nif, NETIF_FLOW_TUPLE, sizeof(struct netif_tuple_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_ULA, sizeof(struct netif_ula_key)) ?:
	      rebuild_table(nif, NETIF_FLOW_ETHERTYPE, sizeof(struct netif_etype_key));
	if (err)
		return err;
	HASH_ITER(hh, nif->flows.by_uuid, r, tmp) {
		struct netif_bucket b;

		ft_track(&nif->flows, r, true);
		if (r->spec.action == NETIF_ACTION_REDIRECT)
			ft_redirect_ref(nif, r->spec.redirect_ifindex, 1);
		if (bucket_read(&nif->dp, NETIF_BUCKET_FLOW_BASE + r->flow_id, &b) == 0 && b.rate) {
			r->spec.rate = b.rate;
			r->spec.burst = b.burst;
		}
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
