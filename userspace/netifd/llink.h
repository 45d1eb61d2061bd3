/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Logical links and queue sets, with XNU's model and validation: an llink
 * has a user link id, a random non-zero internal id, a state, flags and
 * 1..8 qsets (id = internal << 16 | index); exactly one default qset with
 * an RX queue, every qset a TX queue, WMM qsets exactly four. The pinned
 * llink_vlans/llinks/qsets maps are the source of truth.
 */
#ifndef NETIFD_LLINK_H
#define NETIFD_LLINK_H

#include <stdbool.h>
#include <stdint.h>
#include "netif/maps.h"
#include "netif/params.h"
#include "extack.h"

struct netif;

struct qset_config {
	uint32_t flags;        /* NETIF_QSET_F_* */
	uint32_t n_rx, n_tx;
	uint32_t rx_base, tx_base;
	uint64_t rate, burst;  /* ingress policing */
	uint64_t shape;        /* egress shaping */
};

struct llink_config {
	uint64_t link_id;
	bool has_vlan;
	uint16_t vlan;
	uint32_t nqsets;
	struct qset_config qsets[NETIF_LLINK_MAX_QSETS];
};

/* The agent's mirror of one netif's llinks and qsets. */
struct llink_table {
	struct netif_llink ll[NETIF_MAX_LLINKS];
	bool ll_used[NETIF_MAX_LLINKS];   /* by slot */
	struct netif_qset qs[NETIF_MAX_QSETS];
	bool qs_used[NETIF_MAX_QSETS];    /* by slot */
	unsigned int count;
};

/* XNU's validation, plus the device's queue counts. Pure. */
int llink_config_check(const struct llink_config *cfg, uint32_t dev_rx, uint32_t dev_tx,
		       struct netif_extack *ext);
/* WMM access category (queue offset: 0 VO, 1 VI, 2 BE, 3 BK) of an XNU service class index. */
unsigned int llink_wmm_queue(unsigned int svc);

struct txn;

int llink_init_default(struct netif *nif, struct netif_extack *ext);
/* Add or remove, all at once. */
int llink_add(struct netif *nif, const struct llink_config *cfg, struct netif_extack *ext);
int llink_remove(struct netif *nif, uint64_t link_id, struct netif_extack *ext);
/*
 * Add as a step of t, with this internal id if non-zero and free (so the
 * qset ids of an llink re-created with another configuration stay what
 * flows and hints know), else a random one.
 */
int llink_add_txn(struct netif *nif, const struct llink_config *cfg, uint16_t internal_id,
		  struct txn *t, struct netif_extack *ext);
/*
 * Remove as a step of t: an abort puts it back exactly (internal id,
 * slots, counters). replacing: it is added again in the same transaction
 * with the same internal id, so the flows scoped to it may stay.
 */
int llink_remove_txn(struct netif *nif, uint64_t link_id, bool replacing, struct txn *t,
		     struct netif_extack *ext);
int llink_rebuild(struct netif *nif);
void llink_fini(struct netif *nif);
int llink_resolve(struct netif *nif, uint64_t link_id, uint16_t *internal,
		  struct netif_extack *ext);
int llink_id_of(struct netif *nif, uint16_t internal, uint64_t *link_id);
int qset_hint_check(struct netif *nif, uint32_t qset_id, struct netif_extack *ext);
const struct netif_qset *qset_find(struct netif *nif, uint32_t qset_id);
/* Iterate the llinks: the first with prev NULL, NULL after the last. */
const struct netif_llink *llink_next(struct netif *nif, const struct netif_llink *prev);
/* The settings a qset was installed with (rates from its bucket). */
void qset_config_of(struct netif *nif, const struct netif_qset *q, struct qset_config *qc);
/* Counters, per-CPU values summed. */
int llink_counters(struct netif *nif, const struct netif_llink *ll, struct netif_llink_stats *st);
int qset_counters(struct netif *nif, const struct netif_qset *q, struct netif_qset_stats *st);

#endif
