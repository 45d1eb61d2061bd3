/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Flow rules shared by the fast path and the agent's validation. */
#ifndef NETIF_FLOW_RULES_H
#define NETIF_FLOW_RULES_H

#include <linux/types.h>
#include "netif/maps.h"

/*
 * May an ethertype flow claim this type? XNU's rules: it must be an
 * Ethernet II type (> 1500, not an 802.3 length) and not one the host stack
 * owns: IPv4, ARP, RARP, 802.1Q/802.1ad tags, IPv6, PAE (802.1X), RSN
 * pre-authentication, IEEE 802.15.4.
 */
static inline int netif_ethertype_claimable(__u16 t)
{
	if (t <= 1500)
		return 0;
	switch (t) {
	case 0x0800: /* IPv4 */
	case 0x0806: /* ARP */
	case 0x8035: /* RARP */
	case 0x8100: /* 802.1Q */
	case 0x88A8: /* 802.1ad */
	case 0x86DD: /* IPv6 */
	case 0x888E: /* PAE */
	case 0x88C7: /* RSN pre-auth */
	case 0x809A: /* IEEE 802.15.4 */
		return 0;
	}
	return 1;
}

/*
 * Precedence of tuple masks when several flows match ("most specific
 * wins"), as (rank, mask) pairs, rank 0 first:
 *   1. more packet fields (src, dst, sport, dport) first;
 *   2. with the same number of fields, a flow scoped to an llink before an
 *      unscoped one, whichever fields they name;
 *   3. then addresses before ports.
 * Masks are NETIF_TUPLE_M_* bits; 16 is NETIF_TUPLE_M_LLINK.
 */
#define NETIF_TUPLE_RANKS(X, a)                                                \
	X(0, 31, a) X(1, 15, a)                                                \
	X(2, 27, a) X(3, 23, a) X(4, 30, a) X(5, 29, a)                        \
	X(6, 11, a) X(7, 7, a) X(8, 14, a) X(9, 13, a)                         \
	X(10, 19, a) X(11, 26, a) X(12, 25, a) X(13, 22, a) X(14, 21, a)       \
	X(15, 28, a) X(16, 3, a) X(17, 10, a) X(18, 9, a) X(19, 6, a)          \
	X(20, 5, a) X(21, 12, a)                                               \
	X(22, 18, a) X(23, 17, a) X(24, 24, a) X(25, 20, a)                    \
	X(26, 2, a) X(27, 1, a) X(28, 8, a) X(29, 4, a)                        \
	X(30, 16, a) X(31, 0, a)

#define NETIF__RANK_MASK(r, m, a) m,
#define NETIF__RANK_WITHOUT(r, m, f) | (((m) & (f)) ? 0U : 1U << (r))

#define NETIF__RANK_IF(r, m, want) + ((m) == (want) ? (r) : 0)
/* The rank of mask m: a compile-time constant. */
#define NETIF_RANK_OF(m) (0 NETIF_TUPLE_RANKS(NETIF__RANK_IF, m))

/* The ranks whose masks do not name field f (NETIF_TUPLE_M_*): compile-time constants. */
#define NETIF_RANKS_WITHOUT(f) (0U NETIF_TUPLE_RANKS(NETIF__RANK_WITHOUT, f))
/* Ranks a packet without ports (a non-first fragment, a portless protocol) can match. */
#define NETIF_RANKS_PORTLESS (NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_SPORT) & \
			      NETIF_RANKS_WITHOUT(NETIF_TUPLE_M_DPORT))

/*
 * Tuple filter buckets (see struct netif_tuple_filter): multiplicative
 * hashes, the same on both sides. Ports are taken as they sit in the
 * packet (network order).
 */
#define NETIF__GOLDEN 0x9E3779B1U

static inline __u32 netif_tf_port(__u16 port_be)
{
	return ((__u32)port_be * NETIF__GOLDEN) >> (32 - NETIF_TUPLE_FILTER_BITS);
}

static inline __u32 netif_tf_addr4(__u32 addr)
{
	return (addr * NETIF__GOLDEN) >> (32 - NETIF_TUPLE_FILTER_BITS);
}

static inline __u32 netif_tf_addr6(const __u32 *a)
{
	__u32 h = a[0] * NETIF__GOLDEN + a[1] * 0x85EBCA77U + a[2] * 0xC2B2AE3DU +
		  a[3] * 0x27D4EB2FU;

	return (h * NETIF__GOLDEN) >> (32 - NETIF_TUPLE_FILTER_BITS);
}

#endif
