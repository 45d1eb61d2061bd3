/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Flow table lookup, most specific first: 5-tuple (tuple-space search over
 * the masks in use, pruned by the tuple filter) -> IPv6 address pair ->
 * ethertype. Shared by XDP (dir in: local = destination) and TC (dir out:
 * local = source).
 */
#ifndef NETIF_BPF_FLOW_LOOKUP_H
#define NETIF_BPF_FLOW_LOOKUP_H

#include "netif_maps.bpf.h"
#include "netif/parse.h"
#include "netif/flow_rules.h"

/* Mask of each rank: rodata, indexed by a rank found at run time. */
static const volatile __u8 tuple_rank_mask[NETIF_TUPLE_MASKS] = {
	NETIF_TUPLE_RANKS(NETIF__RANK_MASK, 0)
};

/* ctz of a 32-bit word with one bit set, by de Bruijn sequence (BPF has no ctz). */
static const volatile __u8 debruijn32[32] = {
	0, 1, 28, 2, 29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4, 8,
	31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6, 11, 5, 10, 9,
};

static __always_inline __u32 lowest_rank(__u32 ranks)
{
	return debruijn32[((ranks & -ranks) * 0x077CB531U) >> 27];
}

struct netif_match {
	struct netif_flow *flow;
	__u8 table; /* enum netif_flow_type, 0 = no match */
};

/*
 * The ranks whose masks this packet can match, by the tuple filter: the
 * fields netifd chose for this slot must each have the packet's value in
 * the mask's buckets (and its protocol in the mask's flows).
 */
static __always_inline __u32 filter_field(__u32 k, int field)
{
	struct netif_tuple_filter *f = bpf_map_lookup_elem(&tuple_filter, &k);

	if (!f)
		return ~0U;
	switch (field) {
	case NETIF_TUPLE_M_SRC:
		return f->src | NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_SRC);
	case NETIF_TUPLE_M_DST:
		return f->dst | NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_DST);
	case NETIF_TUPLE_M_SPORT:
		return f->sport | NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_SPORT);
	case NETIF_TUPLE_M_DPORT:
		return f->dport | NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_DPORT);
	default:
		return f->proto;
	}
}

static __always_inline __u32 tuple_candidates(const struct netif_pkt *p, __u32 slot, __u32 ranks,
					      __u8 fields)
{
	__u32 base = slot * NETIF_TUPLE_FILTER_SIZE;

	if (fields & NETIF_TUPLE_F_PROTO)
		ranks &= filter_field(base + p->proto, NETIF_TUPLE_F_PROTO);
	if (fields & NETIF_TUPLE_M_DPORT)
		ranks &= filter_field(base + netif_tf_port(p->dport), NETIF_TUPLE_M_DPORT);
	if (fields & NETIF_TUPLE_M_SPORT)
		ranks &= filter_field(base + netif_tf_port(p->sport), NETIF_TUPLE_M_SPORT);
	if (fields & NETIF_TUPLE_M_DST)
		ranks &= filter_field(base + (p->family == 6 ? netif_tf_addr6(p->dst)
							     : netif_tf_addr4(p->dst[0])),
				      NETIF_TUPLE_M_DST);
	if (fields & NETIF_TUPLE_M_SRC)
		ranks &= filter_field(base + (p->family == 6 ? netif_tf_addr6(p->src)
							     : netif_tf_addr4(p->src[0])),
				      NETIF_TUPLE_M_SRC);
	return ranks;
}

static __always_inline __u32 tuple_ranks(const struct netif_cfg *cfg, const struct netif_pkt *p,
					 __u8 dir)
{
	__u32 slot = NETIF_TUPLE_SLOT(dir, p->family) & 3;
	__u32 ranks = cfg->tuple_ranks[slot];
	__u8 fields = cfg->tuple_fields[slot];

	if (!p->has_ports) {
		ranks &= NETIF_RANKS_PORTLESS;
		fields &= ~(NETIF_TUPLE_M_SPORT | NETIF_TUPLE_M_DPORT);
	}
	if (ranks && fields)
		ranks = tuple_candidates(p, slot, ranks, fields);
	return ranks;
}

/*
 * All ones when mask m names field bit b, else zero. Keys are built with
 * these rather than with branches: no mispredictions, and one verifier
 * state per loop iteration instead of one per combination of fields.
 */
static __always_inline __u32 field_ones(__u32 m, __u32 b)
{
	return -((m >> b) & 1);
}

/* Probe the candidate masks, most specific first; the first flow found wins. */
static __always_inline struct netif_flow *
tuple4_lookup(const struct netif_pkt *p, __u32 ranks, __u8 dir, __u16 llink)
{
	struct netif_tuple4_key k = { .dir = dir, .proto = p->proto };
	int i;

	for (i = 0; i < NETIF_TUPLE_MASKS && ranks; i++) {
		struct netif_flow *f;
		__u8 m = tuple_rank_mask[lowest_rank(ranks) & 31];

		ranks &= ranks - 1;
		k.mask = m;
		k.llink = llink & field_ones(m, 4);
		k.src = p->src[0] & field_ones(m, 0);
		k.dst = p->dst[0] & field_ones(m, 1);
		k.sport = p->sport & field_ones(m, 2);
		k.dport = p->dport & field_ones(m, 3);
		f = bpf_map_lookup_elem(&flows_tuple4, &k);
		if (f)
			return f;
	}
	return NULL;
}

static __always_inline struct netif_flow *
tuple6_lookup(const struct netif_pkt *p, __u32 ranks, __u8 dir, __u16 llink)
{
	struct netif_tuple6_key k = { .dir = dir, .proto = p->proto };
	int i;

	for (i = 0; i < NETIF_TUPLE_MASKS && ranks; i++) {
		__u8 m = tuple_rank_mask[lowest_rank(ranks) & 31];
		__u32 ms = field_ones(m, 0), md = field_ones(m, 1);
		struct netif_flow *f;

		ranks &= ranks - 1;
		k.mask = m;
		k.llink = llink & field_ones(m, 4);
		k.src[0] = p->src[0] & ms;
		k.src[1] = p->src[1] & ms;
		k.src[2] = p->src[2] & ms;
		k.src[3] = p->src[3] & ms;
		k.dst[0] = p->dst[0] & md;
		k.dst[1] = p->dst[1] & md;
		k.dst[2] = p->dst[2] & md;
		k.dst[3] = p->dst[3] & md;
		k.sport = p->sport & field_ones(m, 2);
		k.dport = p->dport & field_ones(m, 3);
		f = bpf_map_lookup_elem(&flows_tuple6, &k);
		if (f)
			return f;
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
		__u32 ranks = tuple_ranks(cfg, p, dir);

		if (ranks)
			m.flow = p->family == 6 ? tuple6_lookup(p, ranks, dir, llink)
						: tuple4_lookup(p, ranks, dir, llink);
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
