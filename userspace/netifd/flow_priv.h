/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The table bookkeeping flow.c and flow_table.c share, and nobody else. */
#ifndef NETIFD_FLOW_PRIV_H
#define NETIFD_FLOW_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "flow.h"

/* The dataplane map a key lives in (enum dp_map). */
int ft_key_map(const struct flow_key *k);
/* A flow record from the table's chunks, zeroed; back to its free list. */
struct flow_rec *ft_rec_alloc(struct flow_table *ft);
void ft_rec_free(struct flow_table *ft, struct flow_rec *r);

bool ft_id_test(const struct flow_table *ft, uint32_t id);
void ft_id_set(struct flow_table *ft, uint32_t id, bool used);
int ft_id_alloc(struct flow_table *ft, uint32_t *id);
/* The key as the map takes it (all members of the union start at the same address). */
void *ft_key_ptr(const struct flow_key *k);
/*
 * Account one more (delta 1) or one less (-1) key in the fast path's
 * summary bits and, for tuple keys, in the tuple filter (whose entries are
 * written here, before the caller writes cfg). *dirty tells whether cfg
 * changed and must be rewritten. 0 or -errno (nothing changed then).
 */
int ft_account_key(struct netif *nif, const struct flow_key *k, int delta, bool *dirty);
/*
 * Index (v != NULL) or forget a tuple key in the port index, when it is
 * one the index holds; ft_index_update() points the key's entry at a new
 * copy of the flow (an in-place change).
 */
int ft_index_key(struct netif *nif, const struct flow_key *k, const struct netif_flow *v);
int ft_index_update(struct netif *nif, const struct flow_key *k, const struct netif_flow *v);
/* Zero a flow id's counters on every CPU (a free id has zero counters). */
int ft_stats_zero(struct netif *nif, uint32_t id);
/* Reference a redirect target in the devmap (delta 1) or drop the reference (-1). */
int ft_redirect_ref(struct netif *nif, uint32_t ifindex, int delta);
/* Keep the counts and port lists the exception path relies on. */
void ft_track(struct flow_table *ft, struct flow_rec *r, bool add);
/* The fast path's entry of a flow installed under nkeys keys (flow.c). */
void flow_value(const struct flow_spec *fs, uint32_t flow_id, int nkeys, struct netif_flow *v);
/* Resolve what a flow's action refers to (qset, redirect device) and settle its burst (flow.c). */
int flow_resolve_action(struct netif *nif, struct flow_spec *fs, struct netif_bucket *bucket,
			struct netif_extack *ext);

#endif
