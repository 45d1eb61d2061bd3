// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_RUN tests of netif_xdp's parser: what each well-formed frame
 * is read as, every malformed one counted rx_malformed and passed
 * unclassified, and lengths judged by the packet's own IP lengths, not
 * the frame's. One cmocka test per table row.
 */
#include "xdp_rows.h"

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

int main(void)
{
	static struct CMUnitTest tests[256];
	size_t n = 0;

	add_rows(tests, &n, ROWS(parse_rows));
	add_rows(tests, &n, ROWS(malformed_rows));
	add_rows(tests, &n, ROWS(length_rows));
	return _cmocka_run_group_tests("netif_xdp_parse", tests, n, xdp_rows_setup, xdp_rows_teardown);
}
