// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The llinks and qsets of a netif (llink.h): the agent's table and the
 * pinned maps, installed and removed as transaction steps, rebuilt after a
 * restart. Validation is llink_spec.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include "agent.h"
#include "bucket.h"
#include "events.h"
#include "llink.h"
#include "log.h"
#include "shape.h"
#include "txn.h"

/* ---- state ----------------------------------------------------------- */

static struct llink_table *table(struct netif *nif)
{
	if (!nif->llinks)
		nif->llinks = calloc(1, sizeof(*nif->llinks));
	return nif->llinks;
}

void llink_fini(struct netif *nif)
{
	free(nif->llinks);
	nif->llinks = NULL;
}

static struct netif_llink *find_by_id(struct llink_table *t, uint64_t link_id)
{
	int i;

	for (i = 0; i < NETIF_MAX_LLINKS; i++)
		if (t->ll_used[i] && t->ll[i].link_id == link_id)
			return &t->ll[i];
	return NULL;
}

static struct netif_llink *find_by_internal(struct llink_table *t, uint16_t internal)
{
	int i;

	for (i = 0; i < NETIF_MAX_LLINKS; i++)
		if (t->ll_used[i] && t->ll[i].internal_id == internal)
			return &t->ll[i];
	return NULL;
}

const struct netif_qset *qset_find(struct netif *nif, uint32_t qset_id)
{
	struct llink_table *t = nif->llinks;
	int i;

	if (!t)
		return NULL;
	for (i = 0; i < NETIF_MAX_QSETS; i++)
		if (t->qs_used[i] && t->qs[i].id == qset_id)
			return &t->qs[i];
	return NULL;
}

static int free_slot(const bool *used, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!used[i])
			return i;
	return -1;
}

static int new_internal_id(struct llink_table *t, uint16_t *out)
{
	uint16_t id;
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			return -EIO;
		if (id && !find_by_internal(t, id)) {
			*out = id;
			return 0;
		}
	}
	return -ENOSPC;
}

static int vlan_write(struct netif *nif, uint16_t vid, const struct netif_llink_rx *rx)
{
	__u32 key = vid;

	return bpf_map_update_elem(nif->dp.map_fd[DP_VLANS], &key, rx, BPF_ANY) ? -errno : 0;
}

static void rx_entry(const struct netif_llink *ll, const struct netif_qset *dq,
		     struct netif_llink_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->internal_id = ll->internal_id;
	rx->state = ll->state;
	rx->slot = ll->slot;
	rx->default_qset = dq->id;
	rx->default_qset_slot = dq->slot;
	rx->default_qset_policed = dq->policed;
}

/* Undo everything a (possibly partial) llink installation put in place. */
static void llink_teardown(struct netif *nif, struct netif_llink *ll, bool vlan_installed)
{
	struct llink_table *t = nif->llinks;
	struct netif_bucket none = {};
	unsigned int i;

	if (vlan_installed) {
		struct netif_llink_rx empty = {};

		vlan_write(nif, ll->vlan, &empty);
	}
	for (i = 0; i < ll->nqsets; i++) {
		const struct netif_qset *q = qset_find(nif, ll->qsets[i]);
		__u32 key = ll->qsets[i];

		if (!q)
			continue;
		bpf_map_delete_elem(nif->dp.map_fd[DP_QSETS], &key);
		if (q->policed)
			bucket_write(&nif->dp, NETIF_BUCKET_QSET_BASE + q->slot, &none);
		if (q->classid)
			shape_qset_del(nif, q->slot);
		t->qs_used[q->slot] = false;
	}
	{
		__u32 key = ll->internal_id;

		bpf_map_delete_elem(nif->dp.map_fd[DP_LLINKS], &key);
	}
	t->ll_used[ll->slot] = false;
	t->count--;
}

static int map_fail(int err, struct netif_extack *ext)
{
	netif_extack_set(ext, "cannot install the llink in the dataplane: %s", strerror(-err));
	return err;
}

/*
 * Where an llink goes when it is put back as it was (an aborted removal):
 * its internal id and slots, and its counters kept. NULL for a new one.
 */
struct llink_place {
	uint16_t internal_id;    /* 0: a new random one */
	int slot;                /* -1: the first free one */
	int qslots[NETIF_LLINK_MAX_QSETS];
	bool keep_stats;
};

static int pick_slot(const bool *used, int n, const struct llink_place *pl, int want)
{
	if (pl && want >= 0 && want < n && !used[want])
		return want;
	return free_slot(used, n);
}

/* Qset i of ll: counters, bucket, shaping class, then the map entry. */
static int install_qset(struct netif *nif, struct netif_llink *ll, uint32_t i,
			const struct qset_config *qc, const struct llink_place *pl,
			struct netif_qset **dq, struct netif_extack *ext)
{
	struct llink_table *t = nif->llinks;
	int qslot = pick_slot(t->qs_used, NETIF_MAX_QSETS, pl, pl ? pl->qslots[i] : -1);
	struct netif_bucket b;
	struct netif_qset *q;
	__u32 key;
	int err;

	if (qslot < 0) {
		netif_extack_set(ext, "too many qsets on this netif (max %d)", NETIF_MAX_QSETS);
		return -ENOSPC;
	}
	q = &t->qs[qslot];
	memset(q, 0, sizeof(*q));
	q->id = ((uint32_t)ll->internal_id << 16) | i;
	q->flags = qc->flags;
	q->n_rx = qc->n_rx;
	q->n_tx = qc->n_tx;
	q->rx_base = qc->rx_base;
	q->tx_base = qc->tx_base;
	q->llink = ll->internal_id;
	q->slot = qslot;
	t->qs_used[qslot] = true;
	ll->qsets[ll->nqsets++] = q->id;
	if (qc->flags & NETIF_QSET_F_DEFAULT) {
		ll->default_qset = q->id;
		*dq = q;
	}
	if (!pl || !pl->keep_stats)
		dp_percpu_zero(nif->dp.map_fd[DP_QSET_STATS], qslot, sizeof(struct netif_qset_stats));
	bucket_params(qc->rate, qc->burst, "qset", &b, NULL);
	err = bucket_write(&nif->dp, NETIF_BUCKET_QSET_BASE + qslot, &b);
	if (err)
		return map_fail(err, ext);
	q->policed = qc->rate != 0;
	if (qc->shape) {
		err = shape_qset_add(nif, qslot, qc->shape, &q->classid, ext);
		if (err)
			return err;
		q->shape = qc->shape;
	}
	key = q->id;
	if (bpf_map_update_elem(nif->dp.map_fd[DP_QSETS], &key, q, BPF_NOEXIST))
		return map_fail(-errno, ext);
	return 0;
}

/* The llink's identity: its internal id (new or kept) and its slot. */
static int place(struct llink_table *t, const struct llink_place *pl, struct netif_llink **out,
		 struct netif_extack *ext)
{
	int slot = pick_slot(t->ll_used, NETIF_MAX_LLINKS, pl, pl ? pl->slot : -1);
	struct netif_llink *ll;
	int err = 0;

	if (slot < 0) {
		netif_extack_set(ext, "too many llinks (max %d)", NETIF_MAX_LLINKS);
		return -ENOSPC;
	}
	ll = &t->ll[slot];
	memset(ll, 0, sizeof(*ll));
	if (pl && pl->internal_id && !find_by_internal(t, pl->internal_id))
		ll->internal_id = pl->internal_id;
	else
		err = new_internal_id(t, &ll->internal_id);
	ll->slot = slot;
	*out = ll;
	return err;
}

/* Install an llink, its qsets last but the VLAN entry that steers traffic to it. */
static int install(struct netif *nif, const struct llink_config *cfg, uint32_t flags,
		   const struct llink_place *pl, struct netif_extack *ext)
{
	struct llink_table *t = table(nif);
	struct netif_qset *dq = NULL;
	struct netif_llink_rx rx;
	struct netif_llink *ll;
	int err;
	uint32_t i;
	__u32 key;

	if (!t)
		return -ENOMEM;
	err = place(t, pl, &ll, ext);
	if (err)
		return err;
	ll->link_id = cfg->link_id;
	ll->vlan = cfg->has_vlan ? cfg->vlan : 0;
	ll->flags = flags;
	ll->state = NETIF_LLINK_STATE_INIT;
	t->ll_used[ll->slot] = true;
	t->count++;
	if (!pl || !pl->keep_stats)
		dp_percpu_zero(nif->dp.map_fd[DP_LLINK_STATS], ll->slot,
			       sizeof(struct netif_llink_stats));
	for (i = 0; i < cfg->nqsets && !err; i++)
		err = install_qset(nif, ll, i, &cfg->qsets[i], pl, &dq, ext);
	key = ll->internal_id;
	if (!err && bpf_map_update_elem(nif->dp.map_fd[DP_LLINKS], &key, ll, BPF_NOEXIST))
		err = map_fail(-errno, ext);
	/* last: the fast path starts steering traffic to the llink */
	if (!err && (cfg->has_vlan || (flags & NETIF_LLINK_F_DEFAULT))) {
		rx_entry(ll, dq, &rx);
		err = vlan_write(nif, ll->vlan, &rx);
		if (err)
			map_fail(err, ext);
	}
	if (err)
		llink_teardown(nif, ll, false);
	return err;
}

int llink_init_default(struct netif *nif, struct netif_extack *ext)
{
	struct llink_config cfg = {
		.link_id = 0,
		.nqsets = 1,
		.qsets[0] = {
			.flags = NETIF_QSET_F_DEFAULT,
			.n_rx = nif->info.rx_queues,
			.n_tx = nif->info.tx_queues,
		},
	};

	return install(nif, &cfg, NETIF_LLINK_F_DEFAULT, NULL, ext);
}

static bool vlan_taken(struct llink_table *t, uint16_t vlan)
{
	int i;

	for (i = 0; i < NETIF_MAX_LLINKS; i++)
		if (t->ll_used[i] && t->ll[i].vlan == vlan && !(t->ll[i].flags & NETIF_LLINK_F_DEFAULT))
			return true;
	return false;
}

/* ---- adding and removing, as transaction steps ------------------------- */

/* All at once: a transaction of one step. */
static int run_alone(struct netif *nif, const struct llink_config *cfg, uint64_t link_id,
		     struct netif_extack *ext)
{
	struct txn t;
	int err;

	txn_init(&t);
	err = cfg ? llink_add_txn(nif, cfg, 0, &t, ext) : llink_remove_txn(nif, link_id, false, &t, ext);
	if (err)
		txn_abort(&t);
	else
		txn_commit(&t);
	return err;
}

int llink_add(struct netif *nif, const struct llink_config *cfg, struct netif_extack *ext)
{
	return run_alone(nif, cfg, 0, ext);
}

int llink_remove(struct netif *nif, uint64_t link_id, struct netif_extack *ext)
{
	return run_alone(nif, NULL, link_id, ext);
}

static void publish(struct netif *nif, const struct netif_llink *ll, uint8_t kind)
{
	struct netif_event ev = { .kind = kind, .ifname = nif->ifname, .nif = nif, .llink = ll };

	events_publish(&ev);
}

static void undo_add(void *arg, const void *data)
{
	struct netif *nif = arg;
	struct netif_llink *ll = nif->llinks ? find_by_id(nif->llinks, *(const uint64_t *)data) : NULL;

	if (ll)
		llink_teardown(nif, ll, ll->vlan != 0);
}

static void commit_add(void *arg, const void *data)
{
	struct netif *nif = arg;
	struct netif_llink *ll = nif->llinks ? find_by_id(nif->llinks, *(const uint64_t *)data) : NULL;

	dp_agent_stat_inc(&nif->dp, llink_add);
	if (ll)
		publish(nif, ll, NETIF_EVENT_LLINK_ADD);
}

int llink_add_txn(struct netif *nif, const struct llink_config *cfg, uint16_t internal_id,
		  struct txn *t, struct netif_extack *ext)
{
	struct llink_place pl = { .internal_id = internal_id, .slot = -1 };
	struct llink_table *t_ = table(nif);
	unsigned int i;
	int err;

	if (!t_)
		return -ENOMEM;
	err = llink_config_check(cfg, nif->info.rx_queues, nif->info.tx_queues, ext);
	if (err) {
		dp_agent_stat_inc(&nif->dp, llink_add_bad_params);
		return err;
	}
	if (cfg->link_id == 0 || find_by_id(t_, cfg->link_id)) {
		netif_extack_set(ext, cfg->link_id == 0 ? "link id 0 is the default llink"
							: "an llink with id %llu exists",
				 (unsigned long long)cfg->link_id);
		dp_agent_stat_inc(&nif->dp, llink_dup_id);
		return -EINVAL;
	}
	if (cfg->has_vlan && vlan_taken(t_, cfg->vlan)) {
		netif_extack_set(ext, "vlan %u already belongs to an llink", cfg->vlan);
		return -EEXIST;
	}
	for (i = 0; i < NETIF_LLINK_MAX_QSETS; i++)
		pl.qslots[i] = -1;
	err = install(nif, cfg, 0, internal_id ? &pl : NULL, ext);
	return err ?: txn_undo(t, undo_add, nif, &cfg->link_id, sizeof(cfg->link_id)) ?:
	       txn_on_commit(t, commit_add, nif, &cfg->link_id, sizeof(cfg->link_id));
}

/* A removed llink, kept until the commit: how to put it back exactly. */
struct llink_gone {
	struct netif *nif;
	struct netif_llink ll;   /* as it was */
	struct llink_config cfg;
	struct llink_place pl;
};

static void undo_remove(void *arg, const void *data)
{
	struct llink_gone *g = *(struct llink_gone *const *)data;

	install(g->nif, &g->cfg, g->ll.flags, &g->pl, NULL);
	free(g);
}

static void commit_remove(void *arg, const void *data)
{
	struct llink_gone *g = *(struct llink_gone *const *)data;

	dp_agent_stat_inc(&g->nif->dp, llink_remove);
	publish(g->nif, &g->ll, NETIF_EVENT_LLINK_DEL);
	free(g);
}

/* How to install ll again: its qsets' settings, internal id and slots. */
static void remember(struct netif *nif, const struct netif_llink *ll, struct llink_gone *g)
{
	unsigned int i;

	g->nif = nif;
	g->ll = *ll;
	g->cfg.link_id = ll->link_id;
	g->cfg.has_vlan = ll->vlan != 0;
	g->cfg.vlan = ll->vlan;
	g->pl.internal_id = ll->internal_id;
	g->pl.slot = ll->slot;
	g->pl.keep_stats = true;
	for (i = 0; i < ll->nqsets && i < NETIF_LLINK_MAX_QSETS; i++) {
		const struct netif_qset *q = qset_find(nif, ll->qsets[i]);

		g->pl.qslots[i] = q ? q->slot : -1;
		if (q)
			qset_config_of(nif, q, &g->cfg.qsets[g->cfg.nqsets++]);
	}
}

static unsigned int scoped_flows(struct netif *nif, uint16_t internal)
{
	struct flow_rec *r, *tmp;
	unsigned int n = 0;

	HASH_ITER(hh, nif->flows.by_uuid, r, tmp)
		if (r->spec.has_llink && r->spec.llink_internal == internal)
			n++;
	return n;
}

static int removable(struct netif *nif, struct netif_llink *ll, uint64_t link_id, bool replacing,
		     struct netif_extack *ext)
{
	unsigned int n;

	if (!ll) {
		netif_extack_set(ext, "no llink with id %llu", (unsigned long long)link_id);
		dp_agent_stat_inc(&nif->dp, llink_remove_unknown);
		return -ENOENT;
	}
	if (ll->flags & NETIF_LLINK_F_DEFAULT) {
		netif_extack_set(ext, "the default llink cannot be removed");
		return -EINVAL;
	}
	n = replacing ? 0 : scoped_flows(nif, ll->internal_id);
	if (n) {
		netif_extack_set(ext, "%u flow(s) are scoped to llink %llu; delete them first", n,
				 (unsigned long long)link_id);
		return -EBUSY;
	}
	return 0;
}

int llink_remove_txn(struct netif *nif, uint64_t link_id, bool replacing, struct txn *t,
		     struct netif_extack *ext)
{
	struct llink_table *tb = table(nif);
	struct netif_llink *ll = tb ? find_by_id(tb, link_id) : NULL;
	struct llink_gone *g;
	int err;

	if (!tb)
		return -ENOMEM;
	err = removable(nif, ll, link_id, replacing, ext);
	if (err)
		return err;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	remember(nif, ll, g);
	err = txn_on_commit(t, commit_remove, NULL, &g, sizeof(g));
	if (err) {
		free(g);
		return err;
	}
	/*
	 * Mark it destroyed first, as XNU does: frames still arriving for its
	 * VLAN are dropped and counted (llink_rx_drop_bad_state) instead of
	 * falling through to another llink while the qsets go away.
	 */
	ll->state = NETIF_LLINK_STATE_DESTROYED;
	if (ll->vlan) {
		struct netif_llink_rx rx;
		const struct netif_qset *dq = qset_find(nif, ll->default_qset);

		if (dq) {
			rx_entry(ll, dq, &rx);
			vlan_write(nif, ll->vlan, &rx);
		}
	}
	llink_teardown(nif, ll, ll->vlan != 0);
	return txn_undo(t, undo_remove, NULL, &g, sizeof(g));
}

int llink_resolve(struct netif *nif, uint64_t link_id, uint16_t *internal,
		  struct netif_extack *ext)
{
	struct netif_llink *ll = nif->llinks ? find_by_id(nif->llinks, link_id) : NULL;

	if (!ll) {
		netif_extack_set(ext, "no llink with id %llu", (unsigned long long)link_id);
		return -ENOENT;
	}
	*internal = ll->internal_id;
	return 0;
}

int llink_id_of(struct netif *nif, uint16_t internal, uint64_t *link_id)
{
	struct netif_llink *ll = nif->llinks ? find_by_internal(nif->llinks, internal) : NULL;

	if (!ll)
		return -ENOENT;
	*link_id = ll->link_id;
	return 0;
}

int qset_hint_check(struct netif *nif, uint32_t qset_id, struct netif_extack *ext)
{
	if (!qset_find(nif, qset_id)) {
		netif_extack_set(ext, "no qset with id 0x%x", qset_id);
		return -ENOENT;
	}
	return 0;
}
