/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Flows: validation of flow descriptions (XNU rules), their encoding into
 * the BPF flow tables, flow ids, and the agent's index of installed flows.
 */
#ifndef NETIFD_FLOW_H
#define NETIFD_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>
#include "netif/maps.h"
#include "extack.h"
#include "tuple_filter.h"
#include "port_index.h"

struct netif;
struct txn;

/* A flow as requested, after validation. Addresses in network order, ports in host order. */
struct flow_spec {
	uint8_t uuid[16];
	bool has_uuid;
	uint8_t type;        /* enum netif_flow_type */
	uint8_t dir;         /* enum netif_dir */
	uint16_t ethertype;
	uint8_t family;      /* 4, 6, or 0 = both (tuple without addresses) */
	uint8_t proto;
	uint8_t mask;        /* NETIF_TUPLE_M_* present */
	uint32_t src[4], dst[4];
	uint16_t sport, dport;
	uint32_t local[4], remote[4];
	uint8_t action;
	uint8_t port;
	char redirect_dev[16];
	uint32_t redirect_ifindex;
	uint64_t rate, burst;
	uint64_t shape;
	uint32_t qset_hint;
	bool has_llink;
	uint64_t llink_id;
	uint16_t llink_internal;
};

struct flow_key {
	uint8_t table;  /* enum netif_flow_type */
	uint8_t family; /* NETIF_FLOW_TUPLE: 4 (tuple4) or 6 (tuple6) */
	union {
		struct netif_tuple4_key tuple4;
		struct netif_tuple6_key tuple6;
		struct netif_ula_key ula;
		struct netif_etype_key etype;
	};
};

struct flow_rec {
	uint8_t uuid[16];        /* hash key */
	struct flow_spec spec;
	uint32_t flow_id;
	uint32_t classid;        /* HTB class of a shaped flow */
	uint8_t nkeys;
	struct flow_key keys[2]; /* a tuple without addresses is installed for IPv4 and IPv6 */
	struct flow_rec *port_next; /* flows delivering to the same client port */
	UT_hash_handle hh;
};

/* Flow records are carved from chunks: a million of them come in at a restart. */
struct flow_chunk;

struct flow_table {
	struct flow_rec *by_uuid;
	struct flow_chunk *chunks;     /* newest first; the newest may have room left */
	struct flow_rec *free_recs;    /* through port_next */
	uint32_t count;
	uint32_t max;
	uint8_t *id_used;        /* bitmap of flow ids */
	uint32_t id_hint;
	struct tuple_filter tf;    /* tuple masks in use and the tuple filter */
	struct port_index pi;      /* single-port TCP/UDP flows by port */
	uint32_t table_refs[2][4]; /* [dir][bit index of NETIF_TABLE_*] */
	uint32_t exc_flows;        /* ingress flows with action port or exception */
	uint32_t egress_exc_flows; /* egress flows with action exception */
	struct flow_rec *by_port[NETIF_PORT_MAX];
};

/* Semantic checks of a decoded spec (XNU flow rules). Pure (flow_spec.c). */
int flow_spec_check(const struct flow_spec *fs, struct netif_extack *ext);
/* Encode the spec into its map keys (1 or 2). Pure (flow_spec.c). */
int flow_spec_keys(const struct flow_spec *fs, struct flow_key keys[2]);

int flow_table_init(struct flow_table *ft, uint32_t max);
void flow_table_free(struct flow_table *ft);
/* Rebuild the index from the pinned maps (agent restart). */
int flow_table_rebuild(struct netif *nif);

/* Install a flow (fs gets its uuid and burst settled) as steps of t. */
int flow_add(struct netif *nif, struct flow_spec *fs, struct txn *t, struct netif_extack *ext);
/* Remove a flow, all at once. */
int flow_del(struct netif *nif, const uint8_t uuid[16], struct netif_extack *ext);
/*
 * Remove a flow as a step of t (flow_mod.c): it leaves the fast path and
 * the index at once; its id, shaping class and redirect target are kept
 * until the commit, so an abort puts it back as it was, counters included.
 */
int flow_remove(struct netif *nif, const uint8_t uuid[16], struct txn *t, struct netif_extack *ext);
/*
 * Change in place what may change without a new descriptor (flow_mod.c):
 * action, its port or redirect device, rate and burst, shape, qset hint.
 * The keys, the id and the counters stay; the fast path sees the old
 * entry or the new one, never none. A step of t.
 */
int flow_modify(struct netif *nif, struct flow_rec *r, const struct flow_spec *want,
		struct txn *t, struct netif_extack *ext);
struct flow_rec *flow_find(struct netif *nif, const uint8_t uuid[16]);
/* A flow's counters summed over the CPUs (see struct netif_flow_stats). */
int flow_counters(struct netif *nif, const struct flow_rec *r, struct netif_flow_stats *st);
int flow_counters_id(struct netif *nif, uint32_t flow_id, struct netif_flow_stats *st);
/*
 * The counters of every flow of nif at once, read with batched lookups of
 * flow_stats (not one lookup per flow): fn(arg, r, st) for
 * each flow, in the index's order.
 */
int flow_counters_all(struct netif *nif,
		      void (*fn)(void *arg, const struct flow_rec *r, const struct netif_flow_stats *st),
		      void *arg);
/* Tell the event bus about a flow (kind NETIF_EVENT_FLOW_*). */
void flow_publish_event(struct netif *nif, const struct flow_rec *r, uint8_t kind);
/*
 * XNU's check of a frame a client transmits on a port: it must be the
 * reverse of a flow that delivers to that port (same addresses and ports,
 * swapped; or the flow's ethertype).
 */
bool flow_port_matches_tx(struct netif *nif, uint8_t port, const void *frame, uint32_t len);

#endif
