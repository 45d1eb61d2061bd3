/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the netif_xdp tests (test_xdp.c: the rows; test_xdp_state.c: the
 * tests that change state between runs) write their frames, flows and
 * expected counters with.
 */
#ifndef NETIF_TESTS_XDP_ROWS_H
#define NETIF_TESTS_XDP_ROWS_H

#include "pkt.h"

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

/* Whether the netif's devmap holds ifindex (a redirect target). */
static inline int devmap_has(struct netif *nif, uint32_t ifindex)
{
	__u32 v;

	return bpf_map_lookup_elem(nif->dp.map_fd[DP_DEVMAP], &ifindex, &v) == 0 && v == ifindex;
}

/* The rows' fixture: two netifs (normal, low latency), LINK100 on the first, an XSK on lo. */
static inline int xdp_rows_setup(void **state)
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

static inline int xdp_rows_teardown(void **state)
{
	xsk_fixture_close();
	env_close(ENV_NORMAL);
	env_close(ENV_LL);
	return 0;
}

#define ROWS(a) (a), sizeof(a) / sizeof((a)[0])

#endif
