// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading the llinks of a netif: iteration, counters and settings for the
 * protocol and operations rooms, and the rebuild of the agent's table from
 * the pinned maps after a restart. Changing them is llink.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "agent.h"
#include "bucket.h"
#include "llink.h"

void qset_config_of(struct netif *nif, const struct netif_qset *q, struct qset_config *qc)
{
	struct netif_bucket b = {};

	memset(qc, 0, sizeof(*qc));
	qc->flags = q->flags;
	qc->n_rx = q->n_rx;
	qc->n_tx = q->n_tx;
	qc->rx_base = q->rx_base;
	qc->tx_base = q->tx_base;
	if (q->policed && bucket_read(&nif->dp, NETIF_BUCKET_QSET_BASE + q->slot, &b) == 0) {
		qc->rate = b.rate;
		qc->burst = b.burst;
	}
	qc->shape = q->shape;
}

int llink_counters(struct netif *nif, const struct netif_llink *ll, struct netif_llink_stats *st)
{
	return dp_percpu_sum(nif->dp.map_fd[DP_LLINK_STATS], ll->slot, (uint64_t *)st,
			     sizeof(*st) / sizeof(uint64_t));
}

int qset_counters(struct netif *nif, const struct netif_qset *q, struct netif_qset_stats *st)
{
	return dp_percpu_sum(nif->dp.map_fd[DP_QSET_STATS], q->slot, (uint64_t *)st,
			     sizeof(*st) / sizeof(uint64_t));
}

const struct netif_llink *llink_next(struct netif *nif, const struct netif_llink *prev)
{
	struct llink_table *t = nif->llinks;
	int i = prev ? prev->slot + 1 : 0;

	for (; t && i < NETIF_MAX_LLINKS; i++)
		if (t->ll_used[i])
			return &t->ll[i];
	return NULL;
}

int llink_rebuild(struct netif *nif)
{
	struct llink_table *t;
	__u32 key, next, *prev = NULL;

	if (!nif->llinks)
		nif->llinks = calloc(1, sizeof(*nif->llinks));
	t = nif->llinks;
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
