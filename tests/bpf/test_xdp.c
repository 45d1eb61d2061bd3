// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_RUN tests of netif_xdp, the ingress fast path: flow lookup,
 * MAC validation, actions, exceptions, llinks and qsets, token buckets.
 * One cmocka test per table row. Parsing is in test_xdp_parse.c, the
 * tests that are not rows in test_xdp_state.c.
 */
#include <sched.h>
#include <net/if.h>
#include "xdp_rows.h"
#include "userspace/netifd/txn.h"

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

int main(void)
{
	static struct CMUnitTest tests[256];
	size_t n = 0;

	add_rows(tests, &n, ROWS(lookup_rows));
	add_rows(tests, &n, ROWS(mac_rows));
	add_rows(tests, &n, ROWS(action_rows));
	add_rows(tests, &n, ROWS(llink_rows));
	add_rates(tests, &n, ROWS(rate_cases));
	return _cmocka_run_group_tests("netif_xdp", tests, n, xdp_rows_setup, xdp_rows_teardown);
}
