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
#include "nlproto.h"
#include "tuple_filter.h"
#include "port_index.h"

struct netif;

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

/* Decode and validate a NETIF_A_FLOW nest. Pure: no state is touched. */
int flow_spec_from_attr(const struct nlattr *nest, struct flow_spec *fs, struct netif_extack *ext);
/* Semantic checks of a decoded spec (XNU flow rules). Pure. */
int flow_spec_check(const struct flow_spec *fs, struct netif_extack *ext);
/* Encode the spec into its map keys (1 or 2). Pure. */
int flow_spec_keys(const struct flow_spec *fs, struct flow_key keys[2]);
/* Encode a flow into a nest for replies. */
void flow_put_attrs(struct nlmsghdr *nlh, const struct flow_rec *r,
		    const struct netif_flow_stats *st);

int flow_table_init(struct flow_table *ft, uint32_t max);
void flow_table_free(struct flow_table *ft);
/* Rebuild the index from the pinned maps (agent restart). */
int flow_table_rebuild(struct netif *nif);

int flow_add(struct netif *nif, struct flow_spec *fs, struct netif_extack *ext);
int flow_del(struct netif *nif, const uint8_t uuid[16], struct netif_extack *ext);
struct flow_rec *flow_find(struct netif *nif, const uint8_t uuid[16]);
/* A flow's counters summed over the CPUs (see struct netif_flow_stats). */
int flow_counters(struct netif *nif, const struct flow_rec *r, struct netif_flow_stats *st);
int flow_counters_id(struct netif *nif, uint32_t flow_id, struct netif_flow_stats *st);
/*
 * XNU's check of a frame a client transmits on a port: it must be the
 * reverse of a flow that delivers to that port (same addresses and ports,
 * swapped; or the flow's ethertype).
 */
bool flow_port_matches_tx(struct netif *nif, uint8_t port, const void *frame, uint32_t len);

#endif
