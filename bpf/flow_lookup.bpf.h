/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Flow table lookup, most specific first: 5-tuple (tuple-space search over
 * the masks in use) -> IPv6 address pair -> ethertype. Shared by XDP
 * (dir in: local = destination) and TC (dir out: local = source).
 */
#ifndef NETIF_BPF_FLOW_LOOKUP_H
#define NETIF_BPF_FLOW_LOOKUP_H

#include "netif_maps.bpf.h"
#include "netif/parse.h"
#include "netif/flow_rules.h"

/*
 * All 32 masks, most specific first: more packet fields first, addresses
 * before ports, and an llink-scoped mask before the same fields unscoped.
 * The fast path walks this list and probes only the masks whose bit is set
 * in netif_cfg.tuple_masks.
 */
static const volatile __u8 tuple_mask_order[NETIF_TUPLE_MASKS] = {
	31, 15,                                 /* src dst sport dport */
	27, 11, 23, 7, 30, 14, 29, 13,          /* three fields */
	19, 3, 26, 10, 25, 9, 22, 6, 21, 5, 28, 12, /* two fields */
	18, 2, 17, 1, 24, 8, 20, 4,             /* one field */
	16, 0,                                  /* protocol only */
};

/* Masks that name no port: the only ones a packet without ports can match. */
#define NETIF_TUPLE_PORTLESS_MASKS 0x000F000FU

struct netif_match {
	struct netif_flow *flow;
	__u8 table; /* enum netif_flow_type, 0 = no match */
};

static __always_inline struct netif_flow *
tuple_lookup(const struct netif_cfg *cfg, const struct netif_pkt *p, __u8 dir, __u16 llink)
{
	struct netif_tuple_key k;
	__u32 masks, i;

	masks = cfg->tuple_masks[(dir & 1) * 2 + (p->family == 6)];
	if (!p->has_ports)
		masks &= NETIF_TUPLE_PORTLESS_MASKS;
	if (!masks)
		return NULL;

	for (i = 0; i < NETIF_TUPLE_MASKS; i++) {
		struct netif_flow *f;
		__u8 mask = tuple_mask_order[i];

		if (!(masks & (1U << (mask & 31))))
			continue;
		__builtin_memset(&k, 0, sizeof(k));
		k.dir = dir;
		k.family = p->family;
		k.proto = p->proto;
		k.mask = mask;
		if (mask & NETIF_TUPLE_M_LLINK)
			k.llink = llink;
		if (mask & NETIF_TUPLE_M_SRC)
			__builtin_memcpy(k.src, p->src, sizeof(k.src));
		if (mask & NETIF_TUPLE_M_DST)
			__builtin_memcpy(k.dst, p->dst, sizeof(k.dst));
		if (mask & NETIF_TUPLE_M_SPORT)
			k.sport = p->sport;
		if (mask & NETIF_TUPLE_M_DPORT)
			k.dport = p->dport;
		f = bpf_map_lookup_elem(&flows_tuple, &k);
		if (f)
			return f;
		masks &= ~(1U << (mask & 31));
		if (!masks)
			break;
	}
	return NULL;
}

static __always_inline struct netif_flow *
ula_lookup(const struct netif_cfg *cfg, const struct netif_pkt *p, __u8 dir, __u16 llink)
{
	struct netif_ula_key k = {};
	struct netif_flow *f;
	__u8 t = cfg->tables[dir & 1];

	if (p->family != 6 || !(t & (NETIF_TABLE_ULA | NETIF_TABLE_ULA_SCOPED)))
		return NULL;
	k.dir = dir;
	if (dir == NETIF_DIR_IN) {
		__builtin_memcpy(k.local, p->dst, 16);
		__builtin_memcpy(k.remote, p->src, 16);
	} else {
		__builtin_memcpy(k.local, p->src, 16);
		__builtin_memcpy(k.remote, p->dst, 16);
	}
	if (t & NETIF_TABLE_ULA_SCOPED) {
		k.llink = llink;
		f = bpf_map_lookup_elem(&flows_ula, &k);
		if (f)
			return f;
		k.llink = 0;
	}
	if (!(t & NETIF_TABLE_ULA))
		return NULL;
	return bpf_map_lookup_elem(&flows_ula, &k);
}

static __always_inline struct netif_flow *
etype_lookup(const struct netif_cfg *cfg, const struct netif_pkt *p, __u8 dir, __u16 llink)
{
	struct netif_etype_key k = {};
	struct netif_flow *f;
	__u8 t = cfg->tables[dir & 1];

	if (p->family || !(t & (NETIF_TABLE_ETYPE | NETIF_TABLE_ETYPE_SCOPED)))
		return NULL;
	if (!netif_ethertype_claimable(p->ethertype))
		return NULL;
	k.ethertype = p->ethertype;
	k.dir = dir;
	if (t & NETIF_TABLE_ETYPE_SCOPED) {
		k.llink = llink;
		f = bpf_map_lookup_elem(&flows_etype, &k);
		if (f)
			return f;
		k.llink = 0;
	}
	if (!(t & NETIF_TABLE_ETYPE))
		return NULL;
	return bpf_map_lookup_elem(&flows_etype, &k);
}

static __always_inline struct netif_match
netif_flow_lookup(const struct netif_cfg *cfg, const struct netif_pkt *p, __u8 dir, __u16 llink)
{
	struct netif_match m = {};

	if (p->family) {
		m.flow = tuple_lookup(cfg, p, dir, llink);
		if (m.flow) {
			m.table = NETIF_FLOW_TUPLE;
			return m;
		}
		m.flow = ula_lookup(cfg, p, dir, llink);
		if (m.flow)
			m.table = NETIF_FLOW_ULA;
		return m;
	}
	m.flow = etype_lookup(cfg, p, dir, llink);
	if (m.flow)
		m.table = NETIF_FLOW_ETHERTYPE;
	return m;
}

#endif /* NETIF_BPF_FLOW_LOOKUP_H */
