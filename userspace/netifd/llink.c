// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include "netif/wmm.h"
#include "agent.h"
#include "bucket.h"
#include "llink.h"
#include "log.h"
#include "shape.h"

/* ---- validation (pure) ---------------------------------------------- */

int llink_config_check(const struct llink_config *cfg, uint32_t dev_rx, uint32_t dev_tx,
		       struct netif_extack *ext)
{
	const uint32_t known = NETIF_QSET_F_DEFAULT | NETIF_QSET_F_AQM |
			       NETIF_QSET_F_LOW_LATENCY | NETIF_QSET_F_WMM;
	bool has_default = false;
	struct netif_bucket b;
	uint32_t i;
	int err;

	if (cfg->has_vlan && (cfg->vlan == 0 || cfg->vlan >= 4095)) {
		netif_extack_set(ext, "vlan %u out of range [1, 4094] (0 is the default llink)",
				 cfg->vlan);
		return -EINVAL;
	}
	if (cfg->nqsets == 0) {
		netif_extack_set(ext, "an llink needs at least one qset");
		return -EINVAL;
	}
	if (cfg->nqsets > NETIF_LLINK_MAX_QSETS) {
		netif_extack_set(ext, "too many qsets (max %d)", NETIF_LLINK_MAX_QSETS);
		return -EINVAL;
	}
	for (i = 0; i < cfg->nqsets; i++) {
		const struct qset_config *q = &cfg->qsets[i];

		if (q->flags & ~known) {
			netif_extack_set(ext, "qset %u: unknown flags 0x%x", i, q->flags & ~known);
			return -EINVAL;
		}
		if (q->flags & NETIF_QSET_F_DEFAULT) {
			if (has_default) {
				netif_extack_set(ext, "more than one default qset");
				return -EINVAL;
			}
			if (q->n_rx < 1) {
				netif_extack_set(ext, "the default qset needs at least one rx queue");
				return -EINVAL;
			}
			has_default = true;
		}
		if (q->n_tx < 1) {
			netif_extack_set(ext, "qset %u needs at least one tx queue", i);
			return -EINVAL;
		}
		if ((q->flags & NETIF_QSET_F_WMM) && q->n_tx != NETIF_WMM_TX_QUEUES) {
			netif_extack_set(ext, "qset %u: wmm mode needs exactly %d tx queues (got %u)",
					 i, NETIF_WMM_TX_QUEUES, q->n_tx);
			return -EINVAL;
		}
		if (q->n_rx > NETIF_QSET_MAX_QUEUES || q->n_tx > NETIF_QSET_MAX_QUEUES) {
			netif_extack_set(ext, "qset %u: at most %d queues each way", i,
					 NETIF_QSET_MAX_QUEUES);
			return -EINVAL;
		}
		if ((uint64_t)q->rx_base + q->n_rx > dev_rx) {
			netif_extack_set(ext, "qset %u: rx queues %u..%u exceed the device's %u", i,
					 q->rx_base, q->rx_base + q->n_rx - 1, dev_rx);
			return -EINVAL;
		}
		if ((uint64_t)q->tx_base + q->n_tx > dev_tx) {
			netif_extack_set(ext, "qset %u: tx queues %u..%u exceed the device's %u", i,
					 q->tx_base, q->tx_base + q->n_tx - 1, dev_tx);
			return -EINVAL;
		}
		err = bucket_params(q->rate, q->burst, "qset", &b, ext);
		if (err)
			return err;
		if (q->shape && (q->shape < NETIF_RATE_MIN || q->shape > NETIF_RATE_MAX)) {
			netif_extack_set(ext, "qset %u: shape rate out of range [8bit, 400Gbit]", i);
			return -EINVAL;
		}
	}
	if (!has_default) {
		netif_extack_set(ext, "an llink needs exactly one default qset");
		return -EINVAL;
	}
	return 0;
}

unsigned int llink_wmm_queue(unsigned int svc)
{
	return netif_svc_to_wmm(svc);
}

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

/* Qset i of ll: counters, bucket, shaping class, then the map entry. */
static int install_qset(struct netif *nif, struct netif_llink *ll, uint32_t i,
			const struct qset_config *qc, struct netif_qset **dq, struct netif_extack *ext)
{
	struct llink_table *t = nif->llinks;
	int qslot = free_slot(t->qs_used, NETIF_MAX_QSETS);
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

/* Install an llink, its qsets last but the VLAN entry that steers traffic to it. */
static int install(struct netif *nif, const struct llink_config *cfg, uint32_t flags,
		   struct netif_extack *ext)
{
	struct llink_table *t = table(nif);
	struct netif_qset *dq = NULL;
	struct netif_llink_rx rx;
	struct netif_llink *ll;
	int slot, err = 0;
	uint32_t i;
	__u32 key;

	if (!t)
		return -ENOMEM;
	slot = free_slot(t->ll_used, NETIF_MAX_LLINKS);
	if (slot < 0) {
		netif_extack_set(ext, "too many llinks (max %d)", NETIF_MAX_LLINKS);
		return -ENOSPC;
	}
	ll = &t->ll[slot];
	memset(ll, 0, sizeof(*ll));
	err = new_internal_id(t, &ll->internal_id);
	if (err)
		return err;
	ll->link_id = cfg->link_id;
	ll->vlan = cfg->has_vlan ? cfg->vlan : 0;
	ll->slot = slot;
	ll->flags = flags;
	ll->state = NETIF_LLINK_STATE_INIT;
	t->ll_used[slot] = true;
	t->count++;
	dp_percpu_zero(nif->dp.map_fd[DP_LLINK_STATS], slot, sizeof(struct netif_llink_stats));
	for (i = 0; i < cfg->nqsets && !err; i++)
		err = install_qset(nif, ll, i, &cfg->qsets[i], &dq, ext);
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

	return install(nif, &cfg, NETIF_LLINK_F_DEFAULT, ext);
}

static bool vlan_taken(struct llink_table *t, uint16_t vlan)
{
	int i;

	for (i = 0; i < NETIF_MAX_LLINKS; i++)
		if (t->ll_used[i] && t->ll[i].vlan == vlan && !(t->ll[i].flags & NETIF_LLINK_F_DEFAULT))
			return true;
	return false;
}

int llink_add(struct netif *nif, const struct llink_config *cfg, struct netif_extack *ext)
{
	struct llink_table *t = table(nif);
	int err;

	if (!t)
		return -ENOMEM;
	err = llink_config_check(cfg, nif->info.rx_queues, nif->info.tx_queues, ext);
	if (err) {
		dp_agent_stat_inc(&nif->dp, llink_add_bad_params);
		return err;
	}
	if (cfg->link_id == 0 || find_by_id(t, cfg->link_id)) {
		netif_extack_set(ext, cfg->link_id == 0 ? "link id 0 is the default llink"
							: "an llink with id %llu exists",
				 (unsigned long long)cfg->link_id);
		dp_agent_stat_inc(&nif->dp, llink_dup_id);
		return -EINVAL;
	}
	if (cfg->has_vlan && vlan_taken(t, cfg->vlan)) {
		netif_extack_set(ext, "vlan %u already belongs to an llink", cfg->vlan);
		return -EEXIST;
	}
	err = install(nif, cfg, 0, ext);
	if (!err)
		dp_agent_stat_inc(&nif->dp, llink_add);
	return err;
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

int llink_remove(struct netif *nif, uint64_t link_id, struct netif_extack *ext)
{
	struct llink_table *t = table(nif);
	struct netif_llink *ll;
	unsigned int n;

	if (!t)
		return -ENOMEM;
	ll = find_by_id(t, link_id);
	if (!ll) {
		netif_extack_set(ext, "no llink with id %llu", (unsigned long long)link_id);
		dp_agent_stat_inc(&nif->dp, llink_remove_unknown);
		return -ENOENT;
	}
	if (ll->flags & NETIF_LLINK_F_DEFAULT) {
		netif_extack_set(ext, "the default llink cannot be removed");
		return -EINVAL;
	}
	n = scoped_flows(nif, ll->internal_id);
	if (n) {
		netif_extack_set(ext, "%u flow(s) are scoped to llink %llu; delete them first", n,
				 (unsigned long long)link_id);
		return -EBUSY;
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
	dp_agent_stat_inc(&nif->dp, llink_remove);
	return 0;
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

int llink_rebuild(struct netif *nif)
{
	struct llink_table *t = table(nif);
	__u32 key, next, *prev = NULL;

	if (!t)
		return -ENOMEM;
	while (bpf_map_get_next_key(nif->dp.map_fd[DP_QSETS], prev, &next) == 0) {
		struct netif_qset q;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_QSETS], &key, &q) || q.slot >= NETIF_MAX_QSETS)
			continue;
		t->qs[q.slot] = q;
		t->qs_used[q.slot] = true;
	}
	prev = NULL;
	while (bpf_map_get_next_key(nif->dp.map_fd[DP_LLINKS], prev, &next) == 0) {
		struct netif_llink ll;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(nif->dp.map_fd[DP_LLINKS], &key, &ll) ||
		    ll.slot >= NETIF_MAX_LLINKS)
			continue;
		t->ll[ll.slot] = ll;
		t->ll_used[ll.slot] = true;
		t->count++;
	}
	return 0;
}
