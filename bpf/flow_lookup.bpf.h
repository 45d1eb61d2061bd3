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

/*
 * The result indexes other arrays, so the verifier must see it below 32.
 * A compiler that knows the table's values (clang 19 copies it into a
 * constant pool) drops a plain "& 31" as redundant; the empty asm hides
 * the value from it, so the mask stays for the verifier.
 */
static __always_inline __u32 lowest_rank(__u32 ranks)
{
	__u32 r = debruijn32[((ranks & -ranks) * 0x077CB531U) >> 27];

	asm volatile("" : "+r"(r));
	return r & 31;
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

/*
 * The last four ranks: the single-port masks (which the port index holds
 * for TCP and UDP), then protocol only, scoped and not. Everything before
 * them is probed in the loop; they are handled after it, in order, without
 * one (a second copy of the loop would be verified again).
 */
#define R_DPORT NETIF_RANK_OF(NETIF_TUPLE_M_DPORT)
#define R_SPORT NETIF_RANK_OF(NETIF_TUPLE_M_SPORT)
#define R_PROTO_SCOPED NETIF_RANK_OF(NETIF_TUPLE_M_LLINK)
#define R_PROTO NETIF_RANK_OF(0)
_Static_assert(R_SPORT == R_DPORT + 1 && R_PROTO_SCOPED == R_SPORT + 1 && R_PROTO == 31,
	       "the port and protocol-only masks must be the last four ranks");
#define RANKS_TAIL (0xfU << R_DPORT)

/* A single-port flow, through the port index: two array reads. */
static __always_inline struct netif_flow *port_lookup(__u32 slot, __u8 proto, int dport,
						      __be16 port)
{
	__u32 i = NETIF_PORT_INDEX(slot, dport, proto == IPPROTO_UDP, bpf_ntohs(port));
	__u32 k = i / 4;
	struct netif_port_entry *e = bpf_map_lookup_elem(&port_index, &k);
	__u16 v;

	if (!e)
		return NULL;
	v = e->flow[i & 3];
	if (!v)
		return NULL;
	k = v - 1;
	return bpf_map_lookup_elem(&port_flows, &k);
}

/*
 * Keys are written as whole 64-bit words. Built field by field, with 8- and
 * 16-bit stores, the hash function's 32-bit loads of the same bytes cannot
 * be forwarded from the store buffer and stall: measured 8-9 ns a probe,
 * half its cost.
 */
union tuple4_words {
	struct netif_tuple4_key k;
	__u64 q[2];
};
union tuple6_words {
	struct netif_tuple6_key k;
	__u64 q[5];
};
_Static_assert(__builtin_offsetof(struct netif_tuple4_key, sport) == 8 &&
	       __builtin_offsetof(struct netif_tuple4_key, llink) == 12 &&
	       __builtin_offsetof(struct netif_tuple4_key, proto) == 14 &&
	       sizeof(union tuple4_words) == 16, "tuple4 key layout");
_Static_assert(__builtin_offsetof(struct netif_tuple6_key, sport) == 32 &&
	       __builtin_offsetof(struct netif_tuple6_key, llink) == 36 &&
	       __builtin_offsetof(struct netif_tuple6_key, proto) == 38 &&
	       sizeof(union tuple6_words) == 40, "tuple6 key layout");

/*
 * sport, dport, llink, proto, mask and direction: the word after the
 * addresses (mask : 7 and dir : 1 share the last byte, dir on top: tests/bpf
 * checks the compilers agree).
 */
static __always_inline __u64 ports_word(const struct netif_pkt *p, __u8 m, __u16 llink, __u8 dir)
{
	return (__u64)(p->sport & field_ones(m, 2)) | (__u64)(p->dport & field_ones(m, 3)) << 16 |
	       (__u64)(llink & field_ones(m, 4)) << 32 | (__u64)p->proto << 48 |
	       (__u64)(m | dir << 7) << 56;
}

static __always_inline __u64 addr_pair(__u32 lo, __u32 hi, __u32 ones)
{
	return (__u64)(lo & ones) | (__u64)(hi & ones) << 32;
}

static __always_inline struct netif_flow *
probe4(union tuple4_words *k, const struct netif_pkt *p, __u8 m, __u16 llink, __u8 dir)
{
	k->q[0] = (__u64)(p->src[0] & field_ones(m, 0)) | (__u64)(p->dst[0] & field_ones(m, 1)) << 32;
	k->q[1] = ports_word(p, m, llink, dir);
	return bpf_map_lookup_elem(&flows_tuple4, &k->k);
}

static __always_inline struct netif_flow *
probe6(union tuple6_words *k, const struct netif_pkt *p, __u8 m, __u16 llink, __u8 dir)
{
	__u32 ms = field_ones(m, 0), md = field_ones(m, 1);

	k->q[0] = addr_pair(p->src[0], p->src[1], ms);
	k->q[1] = addr_pair(p->src[2], p->src[3], ms);
	k->q[2] = addr_pair(p->dst[0], p->dst[1], md);
	k->q[3] = addr_pair(p->dst[2], p->dst[3], md);
	k->q[4] = ports_word(p, m, llink, dir);
	return bpf_map_lookup_elem(&flows_tuple6, &k->k);
}

/*
 * Probe the candidate masks, most specific first; the first flow found
 * wins. The lowest rank configured comes first, under the mask netifd
 * names in cfg->tuple_first: its key is built from the configuration and
 * the packet alone, so the probe starts while the tuple filter is still
 * being read (only the branch waits for the filter, and it is predicted);
 * a key built from the ranks the filter left would wait for the filter,
 * the rank's ctz and the mask table: 8-9 ns of a single-mask hit. The hint
 * is checked against the rank (a torn configuration write falls through
 * to the loop). For TCP and UDP the last four ranks come after the loop: the
 * single-port ones through the port index, the protocol-only ones by probe.
 */
#define TUPLE_LOOKUP(fam)                                                                   \
static __always_inline struct netif_flow *                                                  \
tuple##fam##_lookup(const struct netif_cfg *cfg, const struct netif_pkt *p, __u32 ranks,    \
		    __u8 dir, __u16 llink)                                                  \
{                                                                                           \
	union tuple##fam##_words k;                                                         \
	__u32 slot = NETIF_TUPLE_SLOT(dir, fam) & 3, tail = 0, first, diff;                 \
	__u8 hint = cfg->tuple_first[slot];                                                 \
	struct netif_flow *f;                                                               \
	int i;                                                                              \
                                                                                            \
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {                           \
		tail = ranks & RANKS_TAIL;                                                  \
		ranks &= ~RANKS_TAIL;                                                       \
	}                                                                                   \
	first = cfg->tuple_ranks[slot];                                                     \
	first &= -first;                                                                    \
	diff = tuple_rank_mask[lowest_rank(first) & 31] ^ hint;                             \
	asm volatile("" : "+r"(diff)); /* a check only: the key is built from the hint */   \
	if ((ranks & first) && !diff) {                                                     \
		f = probe##fam(&k, p, hint, llink, dir);                                    \
		if (f)                                                                      \
			return f;                                                           \
		ranks &= ~first;                                                            \
	}                                                                                   \
	for (i = 0; i < NETIF_TUPLE_MASKS && ranks; i++) {                                  \
		__u8 m = tuple_rank_mask[lowest_rank(ranks) & 31];                          \
                                                                                            \
		ranks &= ranks - 1;                                                         \
		f = probe##fam(&k, p, m, llink, dir);                                       \
		if (f)                                                                      \
			return f;                                                           \
	}                                                                                   \
	if (!tail)                                                                          \
		return NULL;                                                                \
	if ((tail & (1U << R_DPORT)) && (f = port_lookup(slot, p->proto, 1, p->dport)))     \
		return f;                                                                   \
	if ((tail & (1U << R_SPORT)) && (f = port_lookup(slot, p->proto, 0, p->sport)))     \
		return f;                                                                   \
	if ((tail & (1U << R_PROTO_SCOPED)) &&                                              \
	    (f = probe##fam(&k, p, NETIF_TUPLE_M_LLINK, llink, dir)))                       \
		return f;                                                                   \
	if (tail & (1U << R_PROTO))                                                         \
		return probe##fam(&k, p, 0, llink, dir);                                    \
	return NULL;                                                                        \
}

TUPLE_LOOKUP(4)
TUPLE_LOOKUP(6)

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

static __always_inline struct netif_flow *
any_lookup(const struct netif_cfg *cfg, const struct netif_pkt *p, __u8 dir, __u16 llink, __u8 *table)
{
	struct netif_flow *f = NULL;

	if (p->family) {
		__u32 ranks = tuple_ranks(cfg, p, dir);

		if (ranks)
			f = p->family == 6 ? tuple6_lookup(cfg, p, ranks, dir, llink)
					   : tuple4_lookup(cfg, p, ranks, dir, llink);
		*table = NETIF_FLOW_TUPLE;
		if (f)
			return f;
		*table = NETIF_FLOW_ULA;
		return ula_lookup(cfg, p, dir, llink);
	}
	*table = NETIF_FLOW_ETHERTYPE;
	return etype_lookup(cfg, p, dir, llink);
}

/*
 * The most specific flow for the frame, copied into the frame's scratch
 * area (the fields the programs read): whichever table (or the port index) held it, the rest of the
 * program then sees one kind of pointer, and the verifier checks it once
 * instead of once per table (five).
 */
#define FLOW_HOT_LEN (__builtin_offsetof(struct netif_flow, classid) + 4 - \
		      __builtin_offsetof(struct netif_flow, flow_id))
_Static_assert(__builtin_offsetof(struct netif_flow, flow_id) == 16 && FLOW_HOT_LEN == 20,
	       "struct netif_flow: the fields the fast path reads are 20 bytes from offset 16");

static __always_inline struct netif_match
netif_flow_lookup(const struct netif_cfg *cfg, struct netif_frame *fr, __u8 dir, __u16 llink)
{
	struct netif_match m = {};
	struct netif_flow *f = any_lookup(cfg, &fr->pkt, dir, llink, &m.table);

	if (!f) {
		m.table = 0;
		return m;
	}
	/* what the programs read: flow_id .. classid (not the uuid or link_id) */
	__builtin_memcpy(&fr->flow.flow_id, &f->flow_id, FLOW_HOT_LEN);
	m.flow = &fr->flow;
	return m;
}

#endif /* NETIF_BPF_FLOW_LOOKUP_H */
