// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_RUN tests of netif_xdp, the ingress fast path: parsing, flow
 * lookup, MAC validation, actions, exceptions, llinks and qsets, token
 * buckets. One cmocka test per table row.
 */
#include <sched.h>
#include <net/if.h>
#include "pkt.h"
#include "userspace/netifd/txn.h"

/* ---- shorthands for the tables ------------------------------------------- */

#define UDP4 .l3 = 4, .proto = IPPROTO_UDP
#define TCP4 .l3 = 4, .proto = IPPROTO_TCP
#define UDP6 .l3 = 6, .proto = IPPROTO_UDP
#define TCP6 .l3 = 6, .proto = IPPROTO_TCP

#define TUPLE_IN(...) { .type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_IN, __VA_ARGS__ }
#define ETYPE_IN(t, ...) { .type = NETIF_FLOW_ETHERTYPE, .dir = NETIF_DIR_IN, .ethertype = (t), __VA_ARGS__ }
#define ULA_IN(l, r, ...) { .type = NETIF_FLOW_ULA, .dir = NETIF_DIR_IN, .local = (l), .remote = (r), __VA_ARGS__ }
#define FULL4(p) .proto = (p), .src = REMOTE4, .dst = LOCAL4, .sport = PORT(REMOTE_PORT), .dport = PORT(LOCAL_PORT)
#define FULL6(p) .proto = (p), .src = REMOTE6, .dst = LOCAL6, .sport = PORT(REMOTE_PORT), .dport = PORT(LOCAL_PORT)
#define DROP .action = NETIF_ACTION_DROP
#define SCOPED(l) .scoped = true, .llink = (l)

#define S_FLOW ST(flow_found, 1), ST(def_qset_used, 1)
#define S_NOFLOW ST(flow_not_found, 1), ST(def_qset_used, 1)
#define S_PASS ST(pass, 1)
#define S_DROPPED ST(drop_policy, 1), ST(drop, 1)
#define S_MALFORMED ST(rx_malformed, 1), ST(pass, 1)

#define ETH_P_LOCAL1 0x88b5 /* IEEE local experimental: a type flows may claim */

/* The fixture llink is LINK100 (pkt.h): VLAN 100, a default qset and a second one for hints. */

/* ---- row hooks ------------------------------------------------------------ */

static int expect_keys(struct rowctx *c, int flow, uint8_t nkeys)
{
	struct flow_rec *rec = flow_find(c->nif, c->uuid[flow]);

	if (!rec || rec->nkeys != nkeys) {
		print_error("flow %d installed under %u key(s), expected %u\n", flow,
			    rec ? rec->nkeys : 0, nkeys);
		return -1;
	}
	return 0;
}

/* A tuple flow without addresses serves both families (two map keys)... */
static int prep_two_keys(struct rowctx *c)
{
	return expect_keys(c, 0, 2);
}

/* ...unless its protocol belongs to one family. */
static int prep_one_key(struct rowctx *c)
{
	return expect_keys(c, 0, 1);
}

static int devmap_has(struct netif *nif, uint32_t ifindex)
{
	__u32 v;

	return bpf_map_lookup_elem(nif->dp.map_fd[DP_DEVMAP], &ifindex, &v) == 0 && v == ifindex;
}

static int prep_redirect_lo(struct rowctx *c)
{
	if (!devmap_has(c->nif, if_nametoindex("lo"))) {
		print_error("flow_add did not put lo in the devmap\n");
		return -1;
	}
	return 0;
}

/* The kernel drops an unregistered device from a devmap; do what it does. */
static int prep_redirect_gone(struct rowctx *c)
{
	uint32_t ifindex = if_nametoindex("lo");

	if (prep_redirect_lo(c))
		return -1;
	return bpf_map_delete_elem(c->nif->dp.map_fd[DP_DEVMAP], &ifindex) ? -1 : 0;
}

static int pre_llink400(struct rowctx *c)
{
	struct netif_extack ext = { 0 };
	struct llink_config lc = {
		.link_id = LINK400, .has_vlan = true, .vlan = 400, .nqsets = 2,
		.qsets = { { .flags = NETIF_QSET_F_DEFAULT, .n_rx = 1, .n_tx = 1 },
			   { .n_rx = 1, .rx_base = 1, .n_tx = 1, .tx_base = 1 } },
	};

	if (llink_add(c->nif, &lc, &ext)) {
		print_error("llink_add: %s\n", ext.msg);
		return -1;
	}
	return 0;
}

/* ---- parsing --------------------------------------------------------------- */

static const struct row parse_rows[] = {
	{ .name = "parse: ARP (not IP, not claimable) passes unclassified",
	  .pkt = { .ethertype = 0x0806 },
	  .flows = { ETYPE_IN(ETH_P_LOCAL1, DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "parse: ethertype 0x88b5 frame matches its ethertype flow",
	  .pkt = { .ethertype = ETH_P_LOCAL1 },
	  .flows = { ETYPE_IN(ETH_P_LOCAL1, DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: 802.1Q priority tag (VID 0, PCP 3), UDP behind it",
	  .pkt = { .vlan = { Q(0x6000) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "parse: 802.1ad outer + 802.1Q inner tag, UDP behind both",
	  .pkt = { .vlan = { AD(0), Q(0) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "parse: 802.1Q VID 123 without llink goes to the default llink",
	  .pkt = { .vlan = { Q(123) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0),
	  .st = { ST(rx_vlan, 1), ST(llink_unknown_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "parse: a third VLAN tag is not walked, the frame is not IP",
	  .pkt = { .vlan = { AD(0), Q(0), Q(0) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP), TUPLE_IN(.proto = IPPROTO_UDP, DROP) },
	  .verdict = XDP_PASS, .st = { ST(rx_vlan, 1), S_NOFLOW, S_PASS } },
	{ .name = "parse: IPv4 with 4 bytes of options, TCP ports behind them",
	  .pkt = { TCP4, .ip_opts = 4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_TCP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv4 with 40 bytes of options (IHL 15), UDP ports behind them",
	  .pkt = { UDP4, .ip_opts = 40 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv4 TCP",
	  .pkt = { TCP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_TCP), DROP), TUPLE_IN(FULL4(IPPROTO_UDP)) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv4 UDP",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_TCP)), TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: ICMP echo request matched by type 8 code 0",
	  .pkt = { .l3 = 4, .proto = IPPROTO_ICMP, .icmp_type = 8 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_ICMP, .sport = PORT(8), .dport = PORT(0), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: ICMP echo reply misses the echo-request flow",
	  .pkt = { .l3 = 4, .proto = IPPROTO_ICMP, .icmp_type = 0 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_ICMP, .sport = PORT(8), .dport = PORT(0), DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "parse: IPv4 first fragment (MF, offset 0) has ports",
	  .pkt = { UDP4, .frag = 0x2000 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv4 non-first fragment never matches a flow with ports",
	  .pkt = { UDP4, .frag = 0x2004 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP),
		     TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(LOCAL_PORT), DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "parse: IPv4 non-first fragment matches an address-only flow",
	  .pkt = { UDP4, .frag = 0x0004 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP),
		     TUPLE_IN(.proto = IPPROTO_UDP, .src = REMOTE4, .dst = LOCAL4, DROP) },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 UDP",
	  .pkt = { UDP6 },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 TCP",
	  .pkt = { TCP6 },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP)), TUPLE_IN(FULL6(IPPROTO_TCP), DROP) },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 hop-by-hop options, UDP behind",
	  .pkt = { UDP6, EXT(IPPROTO_HOPOPTS) },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 routing header (24 bytes), UDP behind",
	  .pkt = { UDP6, EXT(IPPROTO_ROUTING) },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 destination options (16 bytes), UDP behind",
	  .pkt = { UDP6, EXT(IPPROTO_DSTOPTS) },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 hop-by-hop + routing + destination options, TCP behind",
	  .pkt = { TCP6, EXT(IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS) },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_TCP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 AH (length in 4-byte words), TCP behind",
	  .pkt = { TCP6, EXT(IPPROTO_AH) },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_TCP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 first fragment (offset 0, M) has ports",
	  .pkt = { UDP6, EXT(IPPROTO_FRAGMENT), .frag6 = 0x0001 },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 non-first fragment never matches a flow with ports",
	  .pkt = { UDP6, EXT(IPPROTO_FRAGMENT), .frag6 = 0x0041 },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP),
		     TUPLE_IN(.proto = IPPROTO_UDP, .family = 6, .sport = PORT(REMOTE_PORT), DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "parse: IPv6 non-first fragment matches an address-only flow",
	  .pkt = { UDP6, EXT(IPPROTO_HOPOPTS, IPPROTO_FRAGMENT), .frag6 = 0x0040 },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP),
		     TUPLE_IN(.proto = IPPROTO_UDP, .src = REMOTE6, .dst = LOCAL6, DROP) },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 with six extension headers (all walked), UDP behind",
	  .pkt = { UDP6, EXT(IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH,
			     IPPROTO_MH, IPPROTO_DSTOPTS) },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: IPv6 with seven extension headers is classified on addresses only",
	  .pkt = { UDP6, EXT(IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_ROUTING,
			     IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS) },
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP),
		     TUPLE_IN(.proto = IPPROTO_DSTOPTS, .src = REMOTE6, .dst = LOCAL6, DROP) },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "parse: ICMPv6 echo request matched by type 128 code 0",
	  .pkt = { .l3 = 6, .proto = IPPROTO_ICMPV6, .icmp_type = 128 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_ICMPV6, .sport = PORT(128), .dport = PORT(0), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
};

/*
 * Truncated or inconsistent headers: counted rx_malformed and handed to the
 * host stack before any lookup, although a catch-all drop flow is there.
 */
#define CATCH_ALL(p) TUPLE_IN(.proto = (p), DROP)
#define MALFORMED(n, ...) \
	{ .name = "malformed: " n, __VA_ARGS__, .verdict = XDP_PASS, .llink = LL_NONE, \
	  .st = { S_MALFORMED } }

static const struct row malformed_rows[] = {
	MALFORMED("802.1Q tag cut inside its TCI", .pkt = { .vlan = { Q(5) }, UDP4, .cut = CUT_TAGS, .cut_len = 5 },
		  .flows = { CATCH_ALL(IPPROTO_UDP), ETYPE_IN(ETH_P_LOCAL1, DROP) }),
	MALFORMED("second VLAN tag cut short", .pkt = { .vlan = { AD(0), Q(0) }, UDP4, .cut = CUT_TAGS, .cut_len = 9 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv4 header cut at 19 bytes", .pkt = { UDP4, .cut = CUT_L3, .cut_len = 19 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv4 header with version 5", .pkt = { UDP4, .corrupt = COR_IP_VERSION },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv4 IHL 4", .pkt = { UDP4, .corrupt = COR_IP_IHL },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv4 options cut short", .pkt = { UDP4, .ip_opts = 40, .cut = CUT_L3, .cut_len = 30 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv4 total length below the header length", .pkt = { UDP4, .corrupt = COR_IP_TOTLEN },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("TCP header cut at 19 bytes", .pkt = { TCP4, .cut = CUT_L4, .cut_len = 19 },
		  .flows = { CATCH_ALL(IPPROTO_TCP) }),
	MALFORMED("TCP data offset 4", .pkt = { TCP4, .corrupt = COR_TCP_DOFF },
		  .flows = { CATCH_ALL(IPPROTO_TCP) }),
	MALFORMED("UDP header cut at 7 bytes", .pkt = { UDP4, .cut = CUT_L4, .cut_len = 7 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("ICMP header cut at 3 bytes", .pkt = { .l3 = 4, .proto = IPPROTO_ICMP, .icmp_type = 8, .cut = CUT_L4, .cut_len = 3 },
		  .flows = { CATCH_ALL(IPPROTO_ICMP) }),
	MALFORMED("IPv6 header cut at 39 bytes", .pkt = { UDP6, .cut = CUT_L3, .cut_len = 39 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv6 header with version 4", .pkt = { UDP6, .corrupt = COR_IP6_VERSION },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv6 hop-by-hop header cut at 3 bytes", .pkt = { UDP6, EXT(IPPROTO_HOPOPTS), .cut = CUT_EXT, .cut_len = 3 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv6 routing header body cut short", .pkt = { UDP6, EXT(IPPROTO_HOPOPTS, IPPROTO_ROUTING), .cut = CUT_EXT, .cut_len = 10 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv6 fragment header cut at 6 bytes", .pkt = { UDP6, EXT(IPPROTO_FRAGMENT), .frag6 = 1, .cut = CUT_EXT, .cut_len = 6 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("IPv6 AH longer than the frame", .pkt = { TCP6, EXT(IPPROTO_AH), .cut = CUT_EXT, .cut_len = 20 },
		  .flows = { CATCH_ALL(IPPROTO_TCP) }),
	MALFORMED("UDP over IPv6 cut at 5 bytes", .pkt = { UDP6, EXT(IPPROTO_DSTOPTS), .cut = CUT_L4, .cut_len = 5 },
		  .flows = { CATCH_ALL(IPPROTO_UDP) }),
	MALFORMED("ICMPv6 header cut at 3 bytes", .pkt = { .l3 = 6, .proto = IPPROTO_ICMPV6, .icmp_type = 128, .cut = CUT_L4, .cut_len = 3 },
		  .flows = { CATCH_ALL(IPPROTO_ICMPV6) }),
};

/* Headers bounded by the IP length (pkt.h PKT_LEN_CASES), against a catch-all drop flow. */
#define LEN_ROW_true(n, pd, pr)                                                                \
	{ .name = "length: " n " (malformed)", .pkt = { PKT_DEF pd },                                     \
	  .flows = { TUPLE_IN(.proto = (pr), DROP) }, .verdict = XDP_PASS, .llink = LL_NONE,    \
	  .st = { S_MALFORMED } },
#define LEN_ROW_false(n, pd, pr)                                                               \
	{ .name = "length: " n, .pkt = { PKT_DEF pd }, .flows = { TUPLE_IN(.proto = (pr), DROP) },           \
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
#define LEN_ROW(n, pd, pr, bad) LEN_ROW_##bad(n, pd, pr)
#define PKT_DEF(...) __VA_ARGS__

static const struct row length_rows[] = {
	PKT_LEN_CASES(LEN_ROW)
	/* issue 13's example: a redirect flow for port 53 took 3 bytes of UDP and padding */
	{ .name = "length: IPv4 length 23 with 0x0035 where the port would be misses a dport 53 flow",
	  .pkt = { .l3 = 4, .proto = IPPROTO_UDP, .dport = 53, IPEND(3), .size = 64 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_UDP, .dst = LOCAL4, .dport = PORT(53), DROP) },
	  .verdict = XDP_PASS, .llink = LL_NONE, .st = { S_MALFORMED } },
};

/* ---- flow lookup: most specific wins --------------------------------------- */

/* Every subset below matches the default TCP/IPv4 frame. */
#define LADDER4                                                                          \
	TUPLE_IN(.proto = IPPROTO_TCP, DROP),                                            \
	TUPLE_IN(.proto = IPPROTO_TCP, .dst = LOCAL4, DROP),                             \
	TUPLE_IN(.proto = IPPROTO_TCP, .dst = LOCAL4, .dport = PORT(LOCAL_PORT), DROP),  \
	TUPLE_IN(.proto = IPPROTO_TCP, .src = REMOTE4, .dst = LOCAL4, DROP),             \
	TUPLE_IN(FULL4(IPPROTO_TCP), DROP)

#define LADDER6                                                                          \
	TUPLE_IN(.proto = IPPROTO_UDP, .family = 6, .sport = PORT(REMOTE_PORT), DROP),   \
	TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(LOCAL_PORT), DROP),                 \
	TUPLE_IN(.proto = IPPROTO_UDP, .src = REMOTE6, DROP),                            \
	TUPLE_IN(.proto = IPPROTO_UDP, .src = REMOTE6, .sport = PORT(REMOTE_PORT),       \
		 .dport = PORT(LOCAL_PORT), DROP),                                       \
	TUPLE_IN(.proto = IPPROTO_UDP, .dst = LOCAL6, .sport = PORT(REMOTE_PORT),        \
		 .dport = PORT(LOCAL_PORT), DROP)

static const struct row lookup_rows[] = {
	/* single-port TCP/UDP flows come from the port index, not a probe */
	{ .name = "lookup ports: a dport flow beats a protocol-only flow",
	  .pkt = { UDP4, .dport = 53 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_UDP, DROP), TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(53)) },
	  .verdict = XDP_PASS, .match = F(1), .st = { S_FLOW, S_PASS } },
	{ .name = "lookup ports: a TCP dport flow does not take UDP to its port",
	  .pkt = { UDP4, .dport = 53 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_TCP, .dport = PORT(53), DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "lookup ports: sport and dport flows, the dport one first",
	  .pkt = { TCP6, .sport = 7, .dport = 53 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_TCP, .sport = PORT(7)),
		     TUPLE_IN(.proto = IPPROTO_TCP, .dport = PORT(53), DROP) },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup ports: the sport flow when the dport one is for another port",
	  .pkt = { TCP6, .sport = 7, .dport = 54 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_TCP, .sport = PORT(7), DROP),
		     TUPLE_IN(.proto = IPPROTO_TCP, .dport = PORT(53)) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup ports: an ICMP type flow is probed, not indexed",
	  .pkt = { .l3 = 4, .proto = IPPROTO_ICMP, .icmp_type = 8 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_ICMP, .sport = PORT(8), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v4: the full 5-tuple beats every subset",
	  .pkt = { TCP4 }, .flows = { LADDER4 },
	  .verdict = XDP_DROP, .match = F(4), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v4: other source port: src+dst beats dst+dport",
	  .pkt = { TCP4, .sport = 40001 }, .flows = { LADDER4 },
	  .verdict = XDP_DROP, .match = F(3), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v4: other source: dst+dport beats dst",
	  .pkt = { TCP4, .src = OTHER4 }, .flows = { LADDER4 },
	  .verdict = XDP_DROP, .match = F(2), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v4: other source and port: dst only",
	  .pkt = { TCP4, .src = OTHER4, .dport = 81 }, .flows = { LADDER4 },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v4: other destination: protocol only",
	  .pkt = { TCP4, .dst = OTHER4 }, .flows = { LADDER4 },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v4: other protocol: no flow",
	  .pkt = { UDP4 }, .flows = { LADDER4 },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "lookup v6: dst+ports beats src+ports",
	  .pkt = { UDP6 }, .flows = { LADDER6 },
	  .verdict = XDP_DROP, .match = F(4), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v6: other destination: src+ports",
	  .pkt = { UDP6, .dst = OTHER6 }, .flows = { LADDER6 },
	  .verdict = XDP_DROP, .match = F(3), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v6: other destination and port: source address beats source port",
	  .pkt = { UDP6, .dst = OTHER6, .dport = 81 }, .flows = { LADDER6 },
	  .verdict = XDP_DROP, .match = F(2), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v6: other addresses: destination port beats source port",
	  .pkt = { UDP6, .src = OTHER6, .dst = OTHER6 }, .flows = { LADDER6 },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v6: only the source port left",
	  .pkt = { UDP6, .src = OTHER6, .dst = OTHER6, .dport = 81 }, .flows = { LADDER6 },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup v6: the family-6 source-port flow ignores IPv4",
	  .pkt = { UDP4, .src = OTHER4, .dst = OTHER4, .dport = 81 }, .flows = { LADDER6 },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "lookup: a tuple flow without addresses serves IPv4",
	  .pkt = { UDP4, .dport = 53 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(53), DROP) },
	  .prep = prep_two_keys,
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup: a tuple flow without addresses serves IPv6",
	  .pkt = { UDP6, .dport = 53 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(53), DROP) },
	  .prep = prep_two_keys,
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup: an ICMP flow without addresses is IPv4 only",
	  .pkt = { .l3 = 4, .proto = IPPROTO_ICMP, .icmp_type = 8 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_ICMP, .sport = PORT(8), DROP) },
	  .prep = prep_one_key,
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup: a family-6 flow without addresses ignores IPv4",
	  .pkt = { UDP4, .dport = 53 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_UDP, .family = 6, .dport = PORT(53), DROP) },
	  .prep = prep_one_key,
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "lookup: ULA pair, local = destination on ingress",
	  .pkt = { UDP6 }, .flows = { ULA_IN(LOCAL6, REMOTE6, DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup: ULA pair misses the reverse direction",
	  .pkt = { UDP6, .src = LOCAL6, .dst = REMOTE6 }, .flows = { ULA_IN(LOCAL6, REMOTE6, DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "lookup: a tuple flow beats the ULA pair",
	  .pkt = { UDP6 },
	  .flows = { ULA_IN(LOCAL6, REMOTE6, DROP), TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(LOCAL_PORT), DROP) },
	  .verdict = XDP_DROP, .match = F(1), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup: the ULA pair catches what no tuple names",
	  .pkt = { UDP6 },
	  .flows = { ULA_IN(LOCAL6, REMOTE6, DROP), TUPLE_IN(.proto = IPPROTO_TCP, .dport = PORT(LOCAL_PORT), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "lookup: the ULA pair never serves IPv4",
	  .pkt = { UDP4 }, .flows = { ULA_IN(LOCAL6, REMOTE6, DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "lookup: ethertype 0x88b6 misses the 0x88b5 flow",
	  .pkt = { .ethertype = ETH_P_LOCAL1 + 1 }, .flows = { ETYPE_IN(ETH_P_LOCAL1, DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "lookup: ethertype flow matches behind a priority tag",
	  .pkt = { .vlan = { Q(0) }, .ethertype = ETH_P_LOCAL1 }, .flows = { ETYPE_IN(ETH_P_LOCAL1, DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "default action drop: an unmatched frame is dropped by policy",
	  .pkt = { UDP4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_TCP)) },
	  .default_action = NETIF_ACTION_DROP,
	  .verdict = XDP_DROP, .st = { S_NOFLOW, S_DROPPED } },
	{ .name = "default action drop: a pass flow still passes",
	  .pkt = { UDP4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)) },
	  .default_action = NETIF_ACTION_DROP,
	  .verdict = XDP_PASS, .match = F(0), .st = { S_FLOW, S_PASS } },
	{ .name = "default action pass: an unmatched frame goes to the host stack",
	  .pkt = { UDP4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_TCP), DROP) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "default action exception without a socket: host stack, counted",
	  .pkt = { UDP4 }, .default_action = NETIF_ACTION_EXCEPTION,
	  .verdict = XDP_PASS, .st = { S_NOFLOW, ST(exc_no_socket, 1), S_PASS } },
};

/* ---- MAC validation --------------------------------------------------------- */

#define S_BAD_MAC ST(flow_found, 1), ST(bad_maddr, 1), ST(def_qset_used, 1)

static const struct row mac_rows[] = {
	{ .name = "mac: our address, the flow applies",
	  .pkt = { UDP4, .dst_mac = MAC_OURS }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "mac: broadcast accepted",
	  .pkt = { UDP4, .dst_mac = MAC_BCAST }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "mac: IPv4 multicast accepted",
	  .pkt = { UDP4, .dst_mac = MAC_MCAST4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "mac: IPv6 multicast accepted",
	  .pkt = { UDP6, .dst_mac = MAC_MCAST6 }, .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "mac: foreign unicast is not delivered to the flow: bad_maddr, default pass",
	  .pkt = { UDP4, .dst_mac = MAC_OTHER }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_PASS, .st = { S_BAD_MAC, S_PASS } },
	{ .name = "mac: foreign unicast, default drop: dropped by policy, not by the flow",
	  .pkt = { UDP4, .dst_mac = MAC_OTHER }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)) },
	  .default_action = NETIF_ACTION_DROP,
	  .verdict = XDP_DROP, .st = { S_BAD_MAC, S_DROPPED } },
	{ .name = "mac: foreign unicast without a flow: default action (validation follows lookup)",
	  .pkt = { UDP4, .dst_mac = MAC_OTHER },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "low-latency mac: our address, the flow applies", .env = ENV_LL,
	  .pkt = { UDP4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "low-latency mac: broadcast rejected: bad_maddr, default action", .env = ENV_LL,
	  .pkt = { UDP4, .dst_mac = MAC_BCAST }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_PASS, .st = { S_BAD_MAC, S_PASS } },
	{ .name = "low-latency mac: IPv4 multicast rejected", .env = ENV_LL,
	  .pkt = { UDP4, .dst_mac = MAC_MCAST4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_PASS, .st = { S_BAD_MAC, S_PASS } },
	{ .name = "low-latency mac: IPv6 multicast rejected, default drop", .env = ENV_LL,
	  .pkt = { UDP6, .dst_mac = MAC_MCAST6 }, .flows = { TUPLE_IN(FULL6(IPPROTO_UDP)) },
	  .default_action = NETIF_ACTION_DROP,
	  .verdict = XDP_DROP, .st = { S_BAD_MAC, S_DROPPED } },
	{ .name = "low-latency mac: foreign unicast rejected", .env = ENV_LL,
	  .pkt = { UDP4, .dst_mac = MAC_OTHER }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_PASS, .st = { S_BAD_MAC, S_PASS } },
};

/* ---- actions and the exception path ---------------------------------------- */

#define S_UP ST(exception, 1)

static const struct row action_rows[] = {
	{ .name = "action pass",
	  .pkt = { UDP4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)) },
	  .verdict = XDP_PASS, .match = F(0), .st = { S_FLOW, S_PASS } },
	{ .name = "action drop",
	  .pkt = { UDP4 }, .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "action redirect to lo",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_REDIRECT, .redirect_dev = "lo") },
	  .prep = prep_redirect_lo,
	  .verdict = XDP_REDIRECT, .match = F(0), .st = { S_FLOW, ST(redirect, 1) } },
	{ .name = "action redirect to a device gone from the devmap: dropped",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_REDIRECT, .redirect_dev = "lo") },
	  .prep = prep_redirect_gone,
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, ST(drop_redirect, 1), ST(drop, 1) } },
	{ .name = "action port without an AF_XDP socket: host stack, exc_no_socket",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_PORT, .port = 5) },
	  .verdict = XDP_PASS, .match = F(0), .st = { S_FLOW, ST(exc_no_socket, 1), S_PASS } },
	{ .name = "action exception without an AF_XDP socket: host stack, exc_no_socket",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_EXCEPTION) },
	  .verdict = XDP_PASS, .match = F(0), .st = { S_FLOW, ST(exc_no_socket, 1), S_PASS } },
	{ .name = "filter chain without an AF_XDP socket: host stack, exc_no_socket",
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .verdict = XDP_PASS, .st = { S_NOFLOW, ST(exc_no_socket, 1), S_PASS } },
	{ .name = "action port 5: up to netifd with its metadata",
	  .pkt = { UDP4 }, .xsk = true,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_PORT, .port = 5) },
	  .verdict = XDP_REDIRECT, .match = F(0), .st = { S_FLOW, S_UP, ST(exc_port, 1) },
	  .meta = { .want = true, .reason = NETIF_EXC_PORT, .action = NETIF_ACTION_PORT, .port = 5,
		    .flow = F(0) } },
	{ .name = "action exception: up to netifd, then the host stack",
	  .pkt = { UDP6 }, .xsk = true,
	  .flows = { TUPLE_IN(FULL6(IPPROTO_UDP), .action = NETIF_ACTION_EXCEPTION) },
	  .verdict = XDP_REDIRECT, .match = F(0), .st = { S_FLOW, S_UP },
	  .meta = { .want = true, .reason = NETIF_EXC_FLOW, .action = NETIF_ACTION_PASS, .flow = F(0) } },
	{ .name = "default action exception: up to netifd without a flow id",
	  .pkt = { UDP4 }, .xsk = true, .default_action = NETIF_ACTION_EXCEPTION,
	  .verdict = XDP_REDIRECT, .st = { S_NOFLOW, S_UP },
	  .meta = { .want = true, .reason = NETIF_EXC_DEFAULT, .action = NETIF_ACTION_PASS,
		    .flow = NO_MATCH } },
	{ .name = "filter chain: a passing flow's frame goes up first",
	  .pkt = { UDP4 }, .xsk = true, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)) },
	  .verdict = XDP_REDIRECT, .match = F(0), .st = { S_FLOW, S_UP, ST(exc_filter, 1) },
	  .meta = { .want = true, .reason = NETIF_EXC_FILTER, .action = NETIF_ACTION_PASS, .flow = F(0) } },
	{ .name = "filter chain: an unmatched frame goes up too",
	  .pkt = { .ethertype = 0x0806 }, .xsk = true, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .verdict = XDP_REDIRECT, .st = { S_NOFLOW, S_UP, ST(exc_filter, 1) },
	  .meta = { .want = true, .reason = NETIF_EXC_FILTER, .action = NETIF_ACTION_PASS,
		    .flow = NO_MATCH } },
	{ .name = "filter chain: a drop flow still drops in the kernel",
	  .pkt = { UDP4 }, .xsk = true, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_DROP, .match = F(0), .st = { S_FLOW, S_DROPPED } },
	{ .name = "filter chain: port delivery keeps its own reason",
	  .pkt = { UDP4 }, .xsk = true, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_PORT, .port = 9) },
	  .verdict = XDP_REDIRECT, .match = F(0), .st = { S_FLOW, S_UP, ST(exc_port, 1) },
	  .meta = { .want = true, .reason = NETIF_EXC_PORT, .action = NETIF_ACTION_PORT, .port = 9,
		    .flow = F(0) } },
	{ .name = "exception on llink 100 carries its internal id",
	  .pkt = { .vlan = { Q(100) }, UDP4 }, .xsk = true,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_EXCEPTION) },
	  .verdict = XDP_REDIRECT, .match = F(0), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_UP },
	  .meta = { .want = true, .reason = NETIF_EXC_FLOW, .action = NETIF_ACTION_PASS, .flow = F(0),
		    .llink = LINK100 } },
	/*
	 * As much metadata as BPF_PROG_RUN takes (216 bytes from 6.8, up to the
	 * struct xdp_frame at the top of the headroom; 32 before, which is also
	 * all bpf_xdp_adjust_meta allows there): ours cannot fit after it.
	 */
	{ .name = "exception with no room left for its metadata: host stack, exc_meta_fail",
	  .pkt = { UDP4 }, .xsk = true, .pre_meta = PRE_META_MAX,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .action = NETIF_ACTION_EXCEPTION) },
	  .verdict = XDP_PASS, .match = F(0), .st = { S_FLOW, ST(exc_meta_fail, 1), S_PASS } },
};

/* ---- llinks and qsets ------------------------------------------------------- */

#define S_VLAN_NOFLOW ST(rx_vlan, 1), S_NOFLOW

static const struct row llink_rows[] = {
	{ .name = "llink: VLAN 100 counts in llink 100",
	  .pkt = { .vlan = { Q(100) }, UDP4 },
	  .verdict = XDP_PASS, .llink = LINK100, .st = { S_VLAN_NOFLOW, S_PASS } },
	{ .name = "llink: untagged counts in the default llink",
	  .pkt = { UDP4 },
	  .verdict = XDP_PASS, .llink = 0, .st = { S_NOFLOW, S_PASS } },
	{ .name = "llink: priority-tagged (VID 0) counts in the default llink",
	  .pkt = { .vlan = { Q(0xa000) }, UDP4 },
	  .verdict = XDP_PASS, .llink = 0, .st = { S_VLAN_NOFLOW, S_PASS } },
	{ .name = "llink: PCP bits do not change the VID",
	  .pkt = { .vlan = { Q(0xe000 | 100) }, UDP4 },
	  .verdict = XDP_PASS, .llink = LINK100, .st = { S_VLAN_NOFLOW, S_PASS } },
	{ .name = "llink: QinQ is steered by the outer VID",
	  .pkt = { .vlan = { AD(100), Q(7) }, UDP4 },
	  .verdict = XDP_PASS, .llink = LINK100, .st = { S_VLAN_NOFLOW, S_PASS } },
	{ .name = "llink: unknown VID, policy default: the default llink",
	  .pkt = { .vlan = { Q(300) }, UDP4 },
	  .verdict = XDP_PASS, .llink = 0,
	  .st = { S_VLAN_NOFLOW, ST(llink_unknown_vlan, 1), S_PASS } },
	{ .name = "llink: unknown VID, policy pass: host stack, unclassified",
	  .pkt = { .vlan = { Q(300) }, UDP4 }, .vlan_policy = NETIF_VLAN_PASS,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP) },
	  .verdict = XDP_PASS, .llink = LL_NONE,
	  .st = { ST(rx_vlan, 1), ST(llink_unknown_vlan, 1), S_PASS } },
	{ .name = "llink: unknown VID, policy drop",
	  .pkt = { .vlan = { Q(300) }, UDP4 }, .vlan_policy = NETIF_VLAN_DROP,
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)) },
	  .verdict = XDP_DROP, .llink = LL_NONE,
	  .st = { ST(rx_vlan, 1), ST(llink_unknown_vlan, 1), ST(drop, 1) } },
	{ .name = "llink: a known VID is untouched by policy drop",
	  .pkt = { .vlan = { Q(100) }, UDP4 }, .vlan_policy = NETIF_VLAN_DROP,
	  .verdict = XDP_PASS, .llink = LINK100, .st = { S_VLAN_NOFLOW, S_PASS } },
	{ .name = "llink: untagged is untouched by policy drop",
	  .pkt = { UDP4 }, .vlan_policy = NETIF_VLAN_DROP,
	  .verdict = XDP_PASS, .llink = 0, .st = { S_NOFLOW, S_PASS } },
	{ .name = "llink: being destroyed: dropped, llink_rx_drop_bad_state",
	  .pkt = { .vlan = { Q(100) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)) },
	  .prep = prep_destroyed100, .undo = undo_destroyed100,
	  .verdict = XDP_DROP, .llink = LL_NONE,
	  .st = { ST(rx_vlan, 1), ST(llink_rx_drop_bad_state, 1), ST(drop, 1) } },
	{ .name = "llink: a tuple flow scoped to llink 100 matches its VLAN",
	  .pkt = { .vlan = { Q(100) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP, SCOPED(LINK100)) },
	  .verdict = XDP_DROP, .match = F(0), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "llink: a tuple flow scoped to llink 100 ignores untagged frames",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), DROP, SCOPED(LINK100)) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "llink: the scoped tuple flow beats the same flow unscoped",
	  .pkt = { .vlan = { Q(100) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)), TUPLE_IN(FULL4(IPPROTO_UDP), DROP, SCOPED(LINK100)) },
	  .verdict = XDP_DROP, .match = F(1), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "llink: the unscoped tuple flow serves the other llinks",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP)), TUPLE_IN(FULL4(IPPROTO_UDP), DROP, SCOPED(LINK100)) },
	  .verdict = XDP_PASS, .match = F(0), .st = { S_FLOW, S_PASS } },
	{ .name = "llink: an unscoped full tuple beats a scoped address pair (more fields first)",
	  .pkt = { .vlan = { Q(100) }, TCP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_TCP)),
		     TUPLE_IN(.proto = IPPROTO_TCP, .src = REMOTE4, .dst = LOCAL4, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_PASS, .match = F(0), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_PASS } },
	/* the same number of fields, different ones: the scope decides (docs/architecture.md) */
	{ .name = "llink: with as many fields, a scoped flow beats an unscoped one naming others",
	  .pkt = { .vlan = { Q(100) }, TCP4 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_TCP, .src = REMOTE4, .dst = LOCAL4),
		     TUPLE_IN(.proto = IPPROTO_TCP, .dst = LOCAL4, .dport = PORT(LOCAL_PORT), DROP,
			      SCOPED(LINK100)) },
	  .verdict = XDP_DROP, .match = F(1), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "llink: with as many fields, a scoped port pair beats an unscoped address pair",
	  .pkt = { .vlan = { Q(100) }, UDP6 },
	  .flows = { TUPLE_IN(.proto = IPPROTO_UDP, .src = REMOTE6, .dst = LOCAL6, DROP),
		     TUPLE_IN(.proto = IPPROTO_UDP, .sport = PORT(REMOTE_PORT), .dport = PORT(LOCAL_PORT),
			      SCOPED(LINK100)) },
	  .verdict = XDP_PASS, .match = F(1), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_PASS } },
	{ .name = "llink: an ethertype flow scoped to llink 100",
	  .pkt = { .vlan = { Q(100) }, .ethertype = ETH_P_LOCAL1 },
	  .flows = { ETYPE_IN(ETH_P_LOCAL1, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_DROP, .match = F(0), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "llink: the scoped ethertype flow beats the unscoped one",
	  .pkt = { .vlan = { Q(100) }, .ethertype = ETH_P_LOCAL1 },
	  .flows = { ETYPE_IN(ETH_P_LOCAL1), ETYPE_IN(ETH_P_LOCAL1, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_DROP, .match = F(1), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "llink: the unscoped ethertype flow serves the default llink",
	  .pkt = { .ethertype = ETH_P_LOCAL1 },
	  .flows = { ETYPE_IN(ETH_P_LOCAL1), ETYPE_IN(ETH_P_LOCAL1, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_PASS, .match = F(0), .st = { S_FLOW, S_PASS } },
	{ .name = "llink: only a scoped ethertype flow: other llinks find none",
	  .pkt = { .ethertype = ETH_P_LOCAL1 },
	  .flows = { ETYPE_IN(ETH_P_LOCAL1, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "llink: a ULA pair scoped to llink 100",
	  .pkt = { .vlan = { Q(100) }, UDP6 },
	  .flows = { ULA_IN(LOCAL6, REMOTE6, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_DROP, .match = F(0), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "llink: the scoped ULA pair beats the unscoped one",
	  .pkt = { .vlan = { Q(100) }, UDP6 },
	  .flows = { ULA_IN(LOCAL6, REMOTE6), ULA_IN(LOCAL6, REMOTE6, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_DROP, .match = F(1), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_DROPPED } },
	{ .name = "llink: only a scoped ULA pair: other llinks find none",
	  .pkt = { UDP6 },
	  .flows = { ULA_IN(LOCAL6, REMOTE6, DROP, SCOPED(LINK100)) },
	  .verdict = XDP_PASS, .st = { S_NOFLOW, S_PASS } },
	{ .name = "qset: a hint to an existing non-default qset is used",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .hint = QS(LINK100, 1)) },
	  .verdict = XDP_PASS, .match = F(0), .qset = QS(LINK100, 1),
	  .st = { ST(flow_found, 1), ST(nondef_qset_used, 1), S_PASS } },
	{ .name = "qset: a hint to the llink's default qset counts as default",
	  .pkt = { .vlan = { Q(100) }, UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .hint = QS(LINK100, 0)) },
	  .verdict = XDP_PASS, .match = F(0), .llink = LINK100,
	  .st = { ST(rx_vlan, 1), S_FLOW, S_PASS } },
	{ .name = "qset: a stale hint falls back to the default qset",
	  .pkt = { UDP4 },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .hint = QS(LINK400, 1)) },
	  .pre = pre_llink400, .prep = prep_remove400, .undo = undo_remove400,
	  .verdict = XDP_PASS, .match = F(0),
	  .st = { S_FLOW, ST(qset_hint_not_useful, 1), S_PASS } },
	{ .name = "qset: a hint is not followed for a frame not addressed to us",
	  .pkt = { UDP4, .dst_mac = MAC_OTHER },
	  .flows = { TUPLE_IN(FULL4(IPPROTO_UDP), .hint = QS(LINK100, 1)) },
	  .verdict = XDP_PASS, .st = { S_BAD_MAC, S_PASS } },
};

/* ---- token buckets ------------------------------------------------------- */

/* 8000 bit/s and 1000 B: one second of credit, 100 B frames cost 100 ms each. */
static const struct rate_case rate_cases[] = {
	{ "rate: input 8000 bit/s burst 1000 B, 100 B frames", false, RL_INPUT, 8000, 1000, 100, 16, 150 },
	{ "rate: flow 8000 bit/s burst 1000 B, 100 B frames", false, RL_FLOW, 8000, 1000, 100, 16, 150 },
	{ "rate: flow 8000 bit/s, default burst (one second), 128 B frames", false, RL_FLOW, 8000, 0, 128, 12, 300 },
	{ "rate: qset 8000 bit/s burst 1000 B on its VLAN, 100 B frames", false, RL_QSET, 8000, 1000, 100, 16, 150 },
	{ "rate: input rate 0 is unlimited", false, RL_INPUT, 0, 0, 100, 200, 0 },
	{ "rate: flow rate 0 is unlimited", false, RL_FLOW, 0, 0, 100, 200, 0 },
};

/* ---- tests that are not rows ------------------------------------------------ */

/*
 * A frame shorter than Ethernet: BPF_PROG_RUN on 6.18 refuses anything
 * under ETH_HLEN (EINVAL, metadata or not), so the XDP program cannot be
 * handed one; the parse decision it would act on is checked in its
 * userspace build instead. If a kernel ever accepts such a frame, the
 * full verdict is checked.
 */
static void test_short_ethernet(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	uint8_t frame[ETH_HLEN] = { 0x02, 0, 0, 0, 0, 1 };
	struct netif_stats before, after;
	uint32_t len;

	for (len = 0; len < ETH_HLEN; len++) {
		struct netif_pkt p = { 0 };

		assert_int_equal(netif_parse(frame, frame + len, &p), NETIF_PARSE_SHORT_ETH);
	}
	{
		struct netif_pkt p = { 0 };

		assert_int_equal(netif_parse(frame, frame + ETH_HLEN, &p), NETIF_PARSE_OK);
	}
	assert_int_equal(read_stats(nif, &before), 0);
	{
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = ETH_HLEN - 1,
			    .repeat = 1);
		int err = bpf_prog_test_run_opts(nif->dp.xdp_prog_fd, &o);

		if (err) {
			assert_int_equal(errno, EINVAL);
		} else {
			static const struct stat_exp exp[] = { ST(drop_badlen, 1), ST(drop, 1) };

			assert_int_equal(o.retval, XDP_DROP);
			assert_int_equal(read_stats(nif, &after), 0);
			assert_true(stats_check(&before, &after, base_in, 2, exp, 2, ETH_HLEN - 1));
		}
	}
}

/*
 * netifd's re-injection run: the test frame carries our marker with the
 * netif's cookie; the program must take the queued frame from the ring,
 * drop the marker and pass exactly those bytes, without classifying.
 */
static void test_reinject_run(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	const struct pkt_def queued = { UDP4 }, tmpl = { TCP4 };
	struct netif_reinject_meta m = { NETIF_REINJECT_MAGIC, nif->cfg.reinject_cookie };
	static const struct stat_exp passed[] = { ST(reinject_passed, 1) };
	struct netif_stats before, after;
	static struct pkt q, t;
	static struct xdp_out xo;

	skip_unless(features_has(NETIF_FEAT_REINJECT), NEEDS_REINJECT);
	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	pkt_build(&queued, false, &q);
	pkt_build(&tmpl, false, &t);
	assert_int_not_equal(m.cookie, 0);
	assert_int_equal(reinject_queue(nif, q.data, q.len), 0);
	assert_int_equal(reinject_pending(nif), 1);
	read_stats(nif, &before);
	assert_int_equal(run_xdp_meta(nif, &t, &m, sizeof(m), &xo), 0);
	read_stats(nif, &after);
	assert_int_equal(xo.verdict, XDP_PASS);
	assert_int_equal(xo.meta, 0);
	assert_int_equal(xo.len, q.len);
	assert_memory_equal(xo.data, q.data, q.len);
	assert_true(stats_check(&before, &after, NULL, 0, passed, 1, 0));
}

/* A marker with the wrong cookie is nobody's re-injection: classify the frame. */
static void test_reinject_wrong_cookie(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	const struct pkt_def tmpl = { UDP4 };
	struct netif_reinject_meta m = { NETIF_REINJECT_MAGIC, nif->cfg.reinject_cookie ^ 1 };
	struct netif_stats before, after;
	static struct pkt t;
	static struct xdp_out xo;

	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	pkt_build(&tmpl, false, &t);
	read_stats(nif, &before);
	assert_int_equal(run_xdp_meta(nif, &t, &m, sizeof(m), &xo), 0);
	read_stats(nif, &after);
	assert_int_equal(xo.verdict, XDP_PASS);
	assert_int_equal(after.rx_packets - before.rx_packets, 1);
	assert_int_equal(after.reinject_passed, before.reinject_passed);
}

/* A re-injection run with nothing queued drops the test frame, counted. */
static void test_reinject_empty(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	const struct pkt_def tmpl = { UDP4 };
	struct netif_reinject_meta m = { NETIF_REINJECT_MAGIC, nif->cfg.reinject_cookie };
	static const struct stat_exp errors[] = { ST(reinject_errors, 1) };
	struct netif_stats before, after;
	static struct pkt t;
	static struct xdp_out xo;

	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	pkt_build(&tmpl, false, &t);
	read_stats(nif, &before);
	assert_int_equal(run_xdp_meta(nif, &t, &m, sizeof(m), &xo), 0);
	read_stats(nif, &after);
	assert_int_equal(xo.verdict, XDP_DROP);
	assert_true(stats_check(&before, &after, NULL, 0, errors, 1, 0));
}

/*
 * Compat-mode re-injection: netifd marks a frame before re-injecting it;
 * the fast path lets a marked frame through once, uncounted, and treats
 * the next identical frame normally.
 */
static void test_reinject_mark(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	struct flow_def fd = TUPLE_IN(FULL4(IPPROTO_UDP), DROP);
	const struct pkt_def pd = { UDP4 };
	struct netif_reinject_meta m = { NETIF_REINJECT_MAGIC, nif->cfg.reinject_cookie };
	struct netif_stats before, mid, after;
	static struct xdp_out xo;
	static const struct stat_exp seen[] = { ST(reinject_seen, 1) };
	static const struct stat_exp dropped[] = { S_FLOW, S_DROPPED };
	static struct pkt p;
	uint8_t uuid[16];
	int err1, err2, err3, err4;
	int v1 = -1, v2 = -1;

	skip_unless(features_has(NETIF_FEAT_REINJECT), NEEDS_REINJECT);
	skip_unless(xdp_caps()->ctx, NEEDS_XDP_CTX);
	pkt_build(&pd, false, &p);
	assert_int_equal(flow_install(nif, &fd, uuid), 0);
	assert_int_equal(cfg_flags_set(nif, NETIF_CFG_F_REINJECT_MARKS), 0);
	err1 = reinject_queue(nif, p.data, p.len);
	/* consume the queued copy, as the live run would (this netif has no device) */
	err4 = run_xdp_meta(nif, &p, &m, sizeof(m), &xo);
	read_stats(nif, &before);
	err2 = run_xdp(nif, &p, 0, &xo);
	v1 = xo.verdict;
	read_stats(nif, &mid);
	err3 = run_xdp(nif, &p, 0, &xo);
	v2 = xo.verdict;
	read_stats(nif, &after);
	cfg_flags_set(nif, 0);
	{
		struct netif_extack ext = { 0 };

		flow_del(nif, uuid, &ext);
	}
	assert_int_equal(err1, 0);
	assert_int_equal(err4, 0);
	assert_int_equal(err2, 0);
	assert_int_equal(err3, 0);
	assert_int_equal(v1, XDP_PASS);
	assert_true(stats_check(&before, &mid, NULL, 0, seen, 1, p.len));
	assert_int_equal(v2, XDP_DROP);
	assert_true(stats_check(&mid, &after, base_in, 2, dropped, 4, p.len));
}

/*
 * Deleting a flow must leave its neighbours working: flows sharing a tuple
 * mask (the summary bit stays while one is left), a family-less flow's two
 * keys, and a devmap entry two redirect flows share.
 */
static void test_flow_del_neighbours(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	static const struct flow_def defs[] = {
		TUPLE_IN(FULL4(IPPROTO_UDP), DROP),                                       /* A */
		TUPLE_IN(FULL4(IPPROTO_TCP), DROP),                                       /* B */
		TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(LOCAL_PORT), DROP),          /* C */
		TUPLE_IN(FULL6(IPPROTO_UDP), .action = NETIF_ACTION_REDIRECT, .redirect_dev = "lo"), /* D */
		TUPLE_IN(FULL6(IPPROTO_TCP), .action = NETIF_ACTION_REDIRECT, .redirect_dev = "lo"), /* E */
	};
	enum { A, B, C, D, E, NDEFS };
	static const struct pkt_def udp4 = { UDP4 }, tcp4 = { TCP4 }, udp6 = { UDP6 }, tcp6 = { TCP6 };
	static struct pkt pu4, pt4, pu6, pt6;
	static struct xdp_out xo;
	struct netif_extack ext = { 0 };
	struct netif_cfg cfg;
	uint8_t uuid[NDEFS][16];
	bool live[NDEFS] = { false };
	uint32_t lo = if_nametoindex("lo");
	int i, v[8], k = 0;
	bool mask_clear, devmap_gone, devmap_kept;

	pkt_build(&udp4, false, &pu4);
	pkt_build(&tcp4, false, &pt4);
	pkt_build(&udp6, false, &pu6);
	pkt_build(&tcp6, false, &pt6);
	for (i = 0; i < NDEFS; i++) {
		if (flow_install(nif, &defs[i], uuid[i]))
			break;
		live[i] = true;
	}
#define RUN(p) (run_xdp(nif, &(p), 0, &xo) ? -1 : xo.verdict)
#define DEL(x) (live[x] = false, flow_del(nif, uuid[x], &ext))
	if (i == NDEFS) {
		DEL(B);
		v[k++] = RUN(pu4);  /* A still there: drop */
		v[k++] = RUN(pt4);  /* B gone, nothing else for TCP/IPv4: pass */
		DEL(D);
		devmap_kept = devmap_has(nif, lo);
		v[k++] = RUN(pt6);  /* E still redirects through the shared devmap entry */
		DEL(A);
		v[k++] = RUN(pu4);  /* C (mask dport) takes over: drop */
		v[k++] = RUN(pu6);  /* C's IPv6 key: drop */
		DEL(C);
		v[k++] = RUN(pu4);  /* nothing left for IPv4 */
		mask_clear = dp_cfg_read(&nif->dp, &cfg) == 0 && cfg.tuple_ranks[0] == 0 &&
			     nif->cfg.tuple_ranks[0] == 0;
		DEL(E);
		devmap_gone = !devmap_has(nif, lo);
		v[k++] = RUN(pt6);  /* nothing left for IPv6 */
	}
#undef RUN
#undef DEL
	for (i = 0; i < NDEFS; i++)
		if (live[i])
			flow_del(nif, uuid[i], &ext);
	assert_int_equal(k, 7);
	assert_int_equal(v[0], XDP_DROP);
	assert_int_equal(v[1], XDP_PASS);
	assert_true(devmap_kept);
	assert_int_equal(v[2], XDP_REDIRECT);
	assert_int_equal(v[3], XDP_DROP);
	assert_int_equal(v[4], XDP_DROP);
	assert_int_equal(v[5], XDP_PASS);
	assert_true(mask_clear);
	assert_true(devmap_gone);
	assert_int_equal(v[6], XDP_PASS);
}

/*
 * A flow changed in place (flow_modify, as an apply does) takes effect at
 * once, whether the fast path finds it through the port index (its copy
 * in port_flows) or the tuple table, and keeps its counters; an aborted
 * change puts the old action back.
 */
static void test_flow_modify(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	static const struct flow_def defs[] = {
		TUPLE_IN(.proto = IPPROTO_UDP, .dport = PORT(LOCAL_PORT), DROP),   /* port index */
		TUPLE_IN(.proto = IPPROTO_TCP, .src = REMOTE4, DROP),             /* tuple table */
	};
	static const struct pkt_def udp4 = { UDP4 }, tcp4 = { TCP4 };
	static struct pkt pu, pt;
	static struct xdp_out xo;
	struct netif_extack ext = { 0 };
	struct netif_flow_stats st = { 0 };
	uint8_t uuid[2][16];
	int v[8], k = 0, n, i;

	pkt_build(&udp4, false, &pu);
	pkt_build(&tcp4, false, &pt);
	for (n = 0; n < 2 && !flow_install(nif, &defs[n], uuid[n]); n++)
		;
#define RUN(p) (run_xdp(nif, &(p), 0, &xo) ? -1 : xo.verdict)
	if (n == 2) {
		v[k++] = RUN(pu);
		v[k++] = RUN(pt);
		for (i = 0; i < 2; i++) {
			struct flow_rec *r = flow_find(nif, uuid[i]);
			struct flow_spec want = r->spec;
			struct txn t;

			want.action = NETIF_ACTION_PASS;
			txn_init(&t);
			if (flow_modify(nif, r, &want, &t, &ext))
				txn_abort(&t);
			else
				txn_commit(&t);
		}
		v[k++] = RUN(pu);       /* passes now, through the new copy */
		v[k++] = RUN(pt);
		v[k++] = flow_counters(nif, flow_find(nif, uuid[0]), &st) == 0 && st.packets == 2 &&
			 st.drops == 1;
		{
			/* a change undone: drop again */
			struct flow_rec *r = flow_find(nif, uuid[0]);
			struct flow_spec want = r->spec;
			struct txn t;

			want.action = NETIF_ACTION_DROP;
			txn_init(&t);
			v[k++] = flow_modify(nif, r, &want, &t, &ext);
			txn_abort(&t);
		}
		v[k++] = RUN(pu);
		v[k++] = flow_find(nif, uuid[0])->spec.action == NETIF_ACTION_PASS;
	}
#undef RUN
	while (n-- > 0)
		flow_del(nif, uuid[n], &ext);
	assert_int_equal(k, 8);
	assert_int_equal(v[0], XDP_DROP);
	assert_int_equal(v[1], XDP_DROP);
	assert_int_equal(v[2], XDP_PASS);
	assert_int_equal(v[3], XDP_PASS);
	assert_int_equal(v[4], 1);
	assert_int_equal(v[5], 0);
	assert_int_equal(v[6], XDP_PASS);
	assert_int_equal(v[7], 1);
}

/*
 * The first probe goes under netifd's hint (cfg->tuple_first), checked
 * against the lowest rank configured: with the hint naming another mask
 * (a torn configuration write), the most specific flow must still win,
 * and a frame only the less specific flow matches must still find it.
 */
static void test_first_mask_hint(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	static const struct flow_def defs[] = {
		TUPLE_IN(FULL4(IPPROTO_UDP), DROP),
		TUPLE_IN(.proto = IPPROTO_UDP, .src = REMOTE4, .action = NETIF_ACTION_REDIRECT,
			 .redirect_dev = "lo"),
	};
	static const struct pkt_def full = { UDP4 }, src_only = { UDP4, .dport = LOCAL_PORT + 1 };
	static struct pkt pf, ps;
	static struct xdp_out xo;
	struct netif_extack ext = { 0 };
	struct netif_cfg cfg, bad;
	uint8_t uuid[2][16];
	int v[6], k = 0, n;

	pkt_build(&full, false, &pf);
	pkt_build(&src_only, false, &ps);
	for (n = 0; n < 2 && !flow_install(nif, &defs[n], uuid[n]); n++)
		;
#define RUN(p) (run_xdp(nif, &(p), 0, &xo) ? -1 : xo.verdict)
	if (n == 2 && !dp_cfg_read(&nif->dp, &cfg)) {
		v[k++] = cfg.tuple_first[0] == (NETIF_TUPLE_M_SRC | NETIF_TUPLE_M_DST |
						NETIF_TUPLE_M_SPORT | NETIF_TUPLE_M_DPORT);
		v[k++] = RUN(pf);       /* the 4-field flow, by the hint */
		v[k++] = RUN(ps);       /* the source flow, by the loop */
		bad = cfg;
		bad.tuple_first[0] = NETIF_TUPLE_M_SRC;
		if (!dp_cfg_write(&nif->dp, &bad)) {
			v[k++] = RUN(pf);       /* a wrong hint is not believed */
			v[k++] = RUN(ps);
			v[k++] = dp_cfg_write(&nif->dp, &cfg);
		}
	}
#undef RUN
	while (n-- > 0)
		flow_del(nif, uuid[n], &ext);
	assert_int_equal(k, 6);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], XDP_DROP);
	assert_int_equal(v[2], XDP_REDIRECT);
	assert_int_equal(v[3], XDP_DROP);
	assert_int_equal(v[4], XDP_REDIRECT);
	assert_int_equal(v[5], 0);
}

/* ---- fixture ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	struct netif_extack ext = { 0 };
	struct llink_config l100 = {
		.link_id = LINK100, .has_vlan = true, .vlan = 100, .nqsets = 2,
		.qsets = { { .flags = NETIF_QSET_F_DEFAULT, .n_rx = 1, .n_tx = 1 },
			   { .n_rx = 1, .rx_base = 1, .n_tx = 1, .tx_base = 1 } },
	};
	xsk_fixture_open("lo", true);
	if (env_open(ENV_NORMAL, "nift0", TEST_IFINDEX) || env_open(ENV_LL, "nift1", TEST_IFINDEX + 1))
		return -1;
	if (llink_add(g_env[ENV_NORMAL].nif, &l100, &ext)) {
		fprintf(stderr, "# llink_add: %s\n", ext.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	xsk_fixture_close();
	env_close(ENV_NORMAL);
	env_close(ENV_LL);
	return 0;
}

#define ROWS(a) (a), sizeof(a) / sizeof((a)[0])

int main(void)
{
	static struct CMUnitTest tests[256];
	size_t n = 0;

	add_test(tests, &n, "parse: a frame shorter than Ethernet", test_short_ethernet, NULL);
	add_rows(tests, &n, ROWS(parse_rows));
	add_rows(tests, &n, ROWS(malformed_rows));
	add_rows(tests, &n, ROWS(length_rows));
	add_rows(tests, &n, ROWS(lookup_rows));
	add_rows(tests, &n, ROWS(mac_rows));
	add_rows(tests, &n, ROWS(action_rows));
	add_rows(tests, &n, ROWS(llink_rows));
	add_test(tests, &n, "flow_del: neighbours sharing a mask, a family or a devmap entry keep working",
		 test_flow_del_neighbours, NULL);
	add_test(tests, &n, "lookup: the first mask's hint is checked against the lowest rank configured",
		 test_first_mask_hint, NULL);
	add_test(tests, &n, "flow_modify: a change in place takes effect through the port index and the tuple table",
		 test_flow_modify, NULL);
	add_test(tests, &n, "reinject: a run with our marker passes the queued frame", test_reinject_run, NULL);
	add_test(tests, &n, "reinject: a marker with a wrong cookie is classified", test_reinject_wrong_cookie, NULL);
	add_test(tests, &n, "reinject: a run with nothing queued drops, counted", test_reinject_empty, NULL);
	add_test(tests, &n, "reinject: a marked frame passes once, uncounted", test_reinject_mark, NULL);
	add_rates(tests, &n, ROWS(rate_cases));
	return _cmocka_run_group_tests("netif_xdp", tests, n, group_setup, group_teardown);
}
