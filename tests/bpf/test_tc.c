// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_RUN tests of netif_tc, the egress path: counters, dir-out flows,
 * source MAC rules, llinks, TX queue selection (as far as BPF_PROG_RUN
 * shows it: the counter; the queue itself is in test_tc_live.c), shaping
 * classes, the exception ring buffer and per-flow policing.
 */
#include "netif/wmm.h"
#include "pkt.h"

#define UDP4 .l3 = 4, .proto = IPPROTO_UDP
#define TCP4 .l3 = 4, .proto = IPPROTO_TCP
#define UDP6 .l3 = 6, .proto = IPPROTO_UDP

#define TUPLE_OUT(...) { .type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT, __VA_ARGS__ }
#define TUPLE_IN(...) { .type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_IN, __VA_ARGS__ }
#define ETYPE_OUT(t, ...) { .type = NETIF_FLOW_ETHERTYPE, .dir = NETIF_DIR_OUT, .ethertype = (t), __VA_ARGS__ }
#define ULA_OUT(l, r, ...) { .type = NETIF_FLOW_ULA, .dir = NETIF_DIR_OUT, .local = (l), .remote = (r), __VA_ARGS__ }
/* Outbound: the local address and port are the source. */
#define OUT4(p) .proto = (p), .src = LOCAL4, .dst = REMOTE4, .sport = PORT(LOCAL_PORT), .dport = PORT(REMOTE_PORT)
#define OUT6(p) .proto = (p), .src = LOCAL6, .dst = REMOTE6, .sport = PORT(LOCAL_PORT), .dport = PORT(REMOTE_PORT)
#define DROP .action = NETIF_ACTION_DROP
#define EXCEPTION .action = NETIF_ACTION_EXCEPTION
#define SCOPED(l) .scoped = true, .llink = (l)

#define S_FLOW ST(tx_flow_found, 1), ST(def_qset_used, 1)
#define S_NOFLOW ST(tx_flow_not_found, 1), ST(def_qset_used, 1)
#define S_DROPPED ST(tx_drop_policy, 1), ST(tx_drop, 1)
#define S_MAPPED ST(tx_queue_mapped, 1)

#define ETH_P_LOCAL1 0x88b5

/*
 * Fixture llinks (4 device TX queues): a WMM qset on VLAN 10, two queues
 * from 2 on VLAN 20, all four queues on VLAN 30 (nothing to choose), one
 * queue on VLAN 40, and on VLAN 100 a default qset plus one for hints.
 */
#define LINK_WMM 10
#define LINK_HI2 20
#define LINK_ALL 30
#define LINK_ONE 40

struct fixture_llink {
	uint64_t id;
	uint16_t vlan;
	uint32_t flags;
	uint32_t n_tx, tx_base;
	bool second;
};

static const struct fixture_llink fixture_llinks[] = {
	{ LINK_WMM, 10, NETIF_QSET_F_WMM, 4, 0, false },
	{ LINK_HI2, 20, 0, 2, 2, false },
	{ LINK_ALL, 30, 0, 4, 0, false },
	{ LINK_ONE, 40, 0, 1, 0, false },
	{ LINK100, 100, 0, 1, 0, true },
};

static int add_llink(struct netif *nif, const struct fixture_llink *f)
{
	struct netif_extack ext = { 0 };
	struct llink_config lc = {
		.link_id = f->id, .has_vlan = true, .vlan = f->vlan, .nqsets = f->second ? 2 : 1,
		.qsets = { { .flags = NETIF_QSET_F_DEFAULT | f->flags, .n_rx = 1, .n_tx = f->n_tx,
			     .tx_base = f->tx_base },
			   { .n_rx = 1, .rx_base = 1, .n_tx = 1, .tx_base = 1 } },
	};
	int err = llink_add(nif, &lc, &ext);

	if (err)
		fprintf(stderr, "# llink_add %llu: %s\n", (unsigned long long)f->id, ext.msg);
	return err;
}

/* ---- row hooks ------------------------------------------------------------ */

#define FLOW_CLASS 0x00010005U
#define QSET_CLASS 0x00010007U

/*
 * A shaped flow gets its HTB class from shape_flow_add(), which needs an
 * HTB root on a real device; give the installed flow a class by hand.
 */
static int prep_shape_flow(struct rowctx *c)
{
	struct flow_rec *rec = flow_find(c->nif, c->uuid[0]);
	struct netif_flow v;
	int fd;

	if (!rec)
		return -1;
	fd = c->nif->dp.map_fd[rec->keys[0].family == 6 ? DP_TUPLE6 : DP_TUPLE4];
	if (bpf_map_lookup_elem(fd, &rec->keys[0].tuple4, &v))
		return -1;
	v.flags |= NETIF_FLOW_F_SHAPE;
	v.classid = FLOW_CLASS;
	return bpf_map_update_elem(fd, &rec->keys[0].tuple4, &v, BPF_EXIST) ? -1 : 0;
}

/* Likewise for a qset's class (shape_qset_add), on the VLAN 30 llink's qset. */
static int prep_shape_qset(struct rowctx *c)
{
	__u32 id = qset_id_of(c->nif, LINK_ALL, 0);
	int fd = c->nif->dp.map_fd[DP_QSETS];
	struct netif_qset q;

	if (!id || bpf_map_lookup_elem(fd, &id, &q))
		return -1;
	memcpy(c->saved, &q, sizeof(q));
	c->aux = id;
	q.classid = QSET_CLASS;
	return bpf_map_update_elem(fd, &id, &q, BPF_EXIST) ? -1 : 0;
}

static void undo_shape_qset(struct rowctx *c)
{
	__u32 id = (__u32)c->aux;

	if (id)
		bpf_map_update_elem(c->nif->dp.map_fd[DP_QSETS], &id, c->saved, BPF_EXIST);
}

static int prep_shape_both(struct rowctx *c)
{
	return prep_shape_qset(c) ?: prep_shape_flow(c);
}

static int pre_llink400(struct rowctx *c)
{
	static const struct fixture_llink l400 = { LINK400, 400, 0, 1, 0, true };

	return add_llink(c->nif, &l400) ? -1 : 0;
}

/* ---- rows ----------------------------------------------------------------- */

#define EGRESS .egress = true

static const struct row flow_rows[] = {
	{ .name = "egress: untagged UDP without a flow: counted, TC_ACT_OK", EGRESS,
	  .pkt = { UDP4 },
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "egress: skb->priority passes through untouched", EGRESS,
	  .pkt = { UDP4 }, .prio = 6,
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "egress: a dir-out 5-tuple (local = source) matches", EGRESS,
	  .pkt = { UDP4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) },
	  .verdict = TC_ACT_OK, .match = F(0), .st = { S_FLOW } },
	{ .name = "egress: a dir-in flow never matches an outgoing packet", EGRESS,
	  .pkt = { UDP4 }, .flows = { TUPLE_IN(OUT4(IPPROTO_UDP), DROP) },
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "egress: a dir-out flow written the ingress way (src = remote) misses", EGRESS,
	  .pkt = { UDP4 },
	  .flows = { TUPLE_OUT(.proto = IPPROTO_UDP, .src = REMOTE4, .dst = LOCAL4, DROP) },
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "egress: drop flow: TC_ACT_SHOT, tx_drop_policy", EGRESS,
	  .pkt = { UDP4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: IPv6 dir-out 5-tuple drop", EGRESS,
	  .pkt = { UDP6 }, .flows = { TUPLE_OUT(OUT6(IPPROTO_UDP), DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: most specific dir-out flow wins", EGRESS,
	  .pkt = { TCP4 },
	  .flows = { TUPLE_OUT(.proto = IPPROTO_TCP), TUPLE_OUT(.proto = IPPROTO_TCP, .dst = REMOTE4),
		     TUPLE_OUT(OUT4(IPPROTO_TCP), DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(2), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: a family-less dir-out tuple serves IPv6", EGRESS,
	  .pkt = { UDP6 }, .flows = { TUPLE_OUT(.proto = IPPROTO_UDP, .dport = PORT(REMOTE_PORT), DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: a non-first fragment never matches a flow with ports", EGRESS,
	  .pkt = { UDP4, .frag = 0x2004 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), DROP) },
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "egress: ULA pair, local = source", EGRESS,
	  .pkt = { UDP6 }, .flows = { ULA_OUT(LOCAL6, REMOTE6, DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: ULA pair misses the reverse direction", EGRESS,
	  .pkt = { UDP6, .src = REMOTE6, .dst = LOCAL6 }, .flows = { ULA_OUT(LOCAL6, REMOTE6, DROP) },
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "egress: ethertype flow", EGRESS,
	  .pkt = { .ethertype = ETH_P_LOCAL1 }, .flows = { ETYPE_OUT(ETH_P_LOCAL1, DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: a dir-out flow scoped to llink 100 matches on its VLAN", EGRESS,
	  .pkt = { .vlan = { Q(100) }, UDP4 },
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), DROP, SCOPED(LINK100)) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .llink = LINK100, .qset_none = true,
	  .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: with as many fields, a scoped flow beats an unscoped one naming others",
	  EGRESS, .pkt = { .vlan = { Q(100) }, UDP4 },
	  .flows = { TUPLE_OUT(.proto = IPPROTO_UDP, .src = LOCAL4, .dst = REMOTE4),
		     TUPLE_OUT(.proto = IPPROTO_UDP, .dst = REMOTE4, .dport = PORT(REMOTE_PORT), DROP,
			       SCOPED(LINK100)) },
	  .verdict = TC_ACT_SHOT, .match = F(1), .llink = LINK100, .qset_none = true,
	  .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress: a dir-out flow scoped to llink 100 ignores untagged packets", EGRESS,
	  .pkt = { UDP4 },
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), DROP, SCOPED(LINK100)) },
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
};

static const struct row mac_rows[] = {
	{ .name = "egress mac: multicast source: TC_ACT_SHOT, bad_maddr", EGRESS,
	  .pkt = { UDP4, .src_mac = MAC_MCAST4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) },
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE, .st = { ST(bad_maddr, 1), ST(tx_drop, 1) } },
	{ .name = "egress mac: broadcast source: TC_ACT_SHOT, bad_maddr", EGRESS,
	  .pkt = { UDP6, .src_mac = MAC_BCAST },
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE, .st = { ST(bad_maddr, 1), ST(tx_drop, 1) } },
	{ .name = "egress mac: a foreign unicast source is allowed (bridged traffic)", EGRESS,
	  .pkt = { UDP4, .src_mac = MAC_OTHER },
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "low-latency egress mac: our source passes", EGRESS, .env = ENV_LL,
	  .pkt = { UDP4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) },
	  .verdict = TC_ACT_OK, .match = F(0), .st = { S_FLOW } },
	{ .name = "low-latency egress mac: a foreign unicast source: TC_ACT_SHOT", EGRESS, .env = ENV_LL,
	  .pkt = { UDP4, .src_mac = MAC_OTHER }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) },
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE, .st = { ST(bad_maddr, 1), ST(tx_drop, 1) } },
	{ .name = "low-latency egress mac: multicast source: TC_ACT_SHOT", EGRESS, .env = ENV_LL,
	  .pkt = { UDP4, .src_mac = MAC_MCAST6 },
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE, .st = { ST(bad_maddr, 1), ST(tx_drop, 1) } },
};

#define TMALFORMED(n, ...) \
	{ .name = "egress malformed: " n, EGRESS, __VA_ARGS__, .verdict = TC_ACT_OK, \
	  .llink = LL_NONE, .st = { ST(tx_malformed, 1) } }

static const struct row malformed_rows[] = {
	/*
	 * BPF_PROG_RUN on 6.18 refuses an IPv4 or IPv6 frame whose fixed IP
	 * header is incomplete (EINVAL), so inconsistent headers stand in.
	 */
	TMALFORMED("IPv4 header with version 5: TC_ACT_OK, tx_malformed",
		   .pkt = { UDP4, .corrupt = COR_IP_VERSION },
		   .flows = { TUPLE_OUT(.proto = IPPROTO_UDP, DROP) }),
	TMALFORMED("IPv4 total length below the header length",
		   .pkt = { UDP4, .corrupt = COR_IP_TOTLEN },
		   .flows = { TUPLE_OUT(.proto = IPPROTO_UDP, DROP) }),
	TMALFORMED("IPv6 header with version 4", .pkt = { UDP6, .corrupt = COR_IP6_VERSION },
		   .flows = { TUPLE_OUT(.proto = IPPROTO_UDP, DROP) }),
	TMALFORMED("TCP header cut at 19 bytes", .pkt = { TCP4, .cut = CUT_L4, .cut_len = 19 },
		   .flows = { TUPLE_OUT(.proto = IPPROTO_TCP, DROP) }),
	TMALFORMED("IPv6 routing header cut short",
		   .pkt = { UDP6, EXT(IPPROTO_ROUTING), .cut = CUT_EXT, .cut_len = 12 },
		   .flows = { TUPLE_OUT(.proto = IPPROTO_UDP, DROP) }),
	TMALFORMED("802.1Q tag cut inside its TCI",
		   .pkt = { .vlan = { Q(100) }, UDP4, .cut = CUT_TAGS, .cut_len = 3 }),
};

/* Headers bounded by the IP length (pkt.h PKT_LEN_CASES), against a catch-all drop flow. */
#define LEN_ROW_true(n, pd, pr)                                                                \
	{ .name = "egress length: " n " (malformed)", EGRESS, .pkt = { PKT_DEF pd },                       \
	  .flows = { TUPLE_OUT(.proto = (pr), DROP) }, .verdict = TC_ACT_OK, .llink = LL_NONE,  \
	  .st = { ST(tx_malformed, 1) } },
#define LEN_ROW_false(n, pd, pr)                                                               \
	{ .name = "egress length: " n, EGRESS, .pkt = { PKT_DEF pd },                                       \
	  .flows = { TUPLE_OUT(.proto = (pr), DROP) }, .verdict = TC_ACT_SHOT, .match = F(0),   \
	  .qset_none = true, .st = { S_FLOW, S_DROPPED } },
#define LEN_ROW(n, pd, pr, bad) LEN_ROW_##bad(n, pd, pr)
#define PKT_DEF(...) __VA_ARGS__

static const struct row length_rows[] = {
	PKT_LEN_CASES(LEN_ROW)
};

/*
 * The source MAC rule is about the Ethernet header alone: a broken IP
 * header behind a group source address must not carry the frame out.
 */
static const struct row malformed_mac_rows[] = {
	{ .name = "egress mac: multicast source with a broken IPv4 header: TC_ACT_SHOT", EGRESS,
	  .pkt = { UDP4, .corrupt = COR_IP_IHL, .src_mac = MAC_MCAST4 },
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE, .st = { ST(bad_maddr, 1), ST(tx_drop, 1) } },
	{ .name = "low-latency egress mac: foreign source with a truncated TCP header: TC_ACT_SHOT",
	  EGRESS, .env = ENV_LL,
	  .pkt = { TCP4, .src_mac = MAC_OTHER, .cut = CUT_L4, .cut_len = 10 },
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE, .st = { ST(bad_maddr, 1), ST(tx_drop, 1) } },
};

static const struct row llink_rows[] = {
	/* its default qset holds one of the four device queues: a queue is chosen */
	{ .name = "egress llink: VLAN 100 counts tx in llink 100", EGRESS,
	  .pkt = { .vlan = { Q(100) }, UDP4 },
	  .verdict = TC_ACT_OK, .llink = LINK100, .st = { S_NOFLOW, S_MAPPED } },
	{ .name = "egress llink: unknown VID, policy default: the default llink", EGRESS,
	  .pkt = { .vlan = { Q(333) }, UDP4 },
	  .verdict = TC_ACT_OK, .st = { ST(llink_unknown_vlan, 1), S_NOFLOW } },
	{ .name = "egress llink: unknown VID, policy pass: TC_ACT_OK, unclassified", EGRESS,
	  .pkt = { .vlan = { Q(333) }, UDP4 }, .vlan_policy = NETIF_VLAN_PASS,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), DROP) },
	  .verdict = TC_ACT_OK, .llink = LL_NONE, .st = { ST(llink_unknown_vlan, 1) } },
	{ .name = "egress llink: unknown VID, policy drop: TC_ACT_SHOT", EGRESS,
	  .pkt = { .vlan = { Q(333) }, UDP4 }, .vlan_policy = NETIF_VLAN_DROP,
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE,
	  .st = { ST(llink_unknown_vlan, 1), ST(tx_drop, 1) } },
	{ .name = "egress llink: being destroyed: TC_ACT_SHOT", EGRESS,
	  .pkt = { .vlan = { Q(100) }, UDP4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) },
	  .prep = prep_destroyed100, .undo = undo_destroyed100,
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE,
	  .st = { ST(llink_tx_drop_bad_state, 1), ST(tx_drop, 1) } },
};

/*
 * TX queue choice. BPF_PROG_RUN does not report skb->queue_mapping, so
 * these rows see only whether a queue was chosen (tx_queue_mapped);
 * test_tc_live.c checks which one on a real device.
 */
static const struct row queue_rows[] = {
	{ .name = "egress queue: WMM qset, priority 0 (BE): mapped", EGRESS,
	  .pkt = { .vlan = { Q(10) }, UDP4 }, .prio = NETIF_SVC_BE,
	  .verdict = TC_ACT_OK, .llink = LINK_WMM, .st = { S_NOFLOW, S_MAPPED } },
	{ .name = "egress queue: WMM qset, priority 8 (VO): mapped", EGRESS,
	  .pkt = { .vlan = { Q(10) }, UDP4 }, .prio = NETIF_SVC_VO,
	  .verdict = TC_ACT_OK, .llink = LINK_WMM, .st = { S_NOFLOW, S_MAPPED } },
	{ .name = "egress queue: WMM qset, out-of-range priority: mapped (BE), priority kept", EGRESS,
	  .pkt = { .vlan = { Q(10) }, UDP4 }, .prio = 0x10003,
	  .verdict = TC_ACT_OK, .llink = LINK_WMM, .st = { S_NOFLOW, S_MAPPED } },
	{ .name = "egress queue: WMM qset, DSCP EF: mapped", EGRESS,
	  .pkt = { .vlan = { Q(10) }, UDP6, .tos = 46 << 2 },
	  .verdict = TC_ACT_OK, .llink = LINK_WMM, .st = { S_NOFLOW, S_MAPPED } },
	{ .name = "egress queue: non-WMM qset on queues 2-3: mapped", EGRESS,
	  .pkt = { .vlan = { Q(20) }, UDP4 },
	  .verdict = TC_ACT_OK, .llink = LINK_HI2, .st = { S_NOFLOW, S_MAPPED } },
	{ .name = "egress queue: qset on every device queue: left to the kernel", EGRESS,
	  .pkt = { .vlan = { Q(30) }, UDP4 },
	  .verdict = TC_ACT_OK, .llink = LINK_ALL, .st = { S_NOFLOW } },
	{ .name = "egress queue: qset on one of four queues: mapped", EGRESS,
	  .pkt = { .vlan = { Q(40) }, UDP4 },
	  .verdict = TC_ACT_OK, .llink = LINK_ONE, .st = { S_NOFLOW, S_MAPPED } },
	{ .name = "egress queue: the default llink's qset spans the device: left to the kernel", EGRESS,
	  .pkt = { UDP4 }, .prio = NETIF_SVC_VO,
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW } },
	{ .name = "egress queue: a flow's hint steers untagged traffic to the WMM qset", EGRESS,
	  .pkt = { UDP4 }, .prio = NETIF_SVC_VI,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), .hint = QS(LINK_WMM, 0)) },
	  .verdict = TC_ACT_OK, .match = F(0), .qset = QS(LINK_WMM, 0),
	  .st = { ST(tx_flow_found, 1), ST(nondef_qset_used, 1), S_MAPPED } },
	{ .name = "egress queue: a stale hint falls back to the default qset", EGRESS,
	  .pkt = { UDP4 },
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), .hint = QS(LINK400, 1)) },
	  .pre = pre_llink400, .prep = prep_remove400, .undo = undo_remove400,
	  .verdict = TC_ACT_OK, .match = F(0),
	  .st = { S_FLOW, ST(qset_hint_not_useful, 1) } },
};

static const struct row shape_rows[] = {
	{ .name = "egress shaping: a shaped flow's class goes to skb->priority", EGRESS,
	  .pkt = { UDP4 }, .prio = NETIF_SVC_VO,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) }, .prep = prep_shape_flow,
	  .verdict = TC_ACT_OK, .match = F(0), .out_prio = FLOW_CLASS,
	  .st = { S_FLOW, ST(tx_shaped, 1) } },
	{ .name = "egress shaping: a shaped qset's class goes to skb->priority", EGRESS,
	  .pkt = { .vlan = { Q(30) }, UDP4 },
	  .prep = prep_shape_qset, .undo = undo_shape_qset,
	  .verdict = TC_ACT_OK, .llink = LINK_ALL, .out_prio = QSET_CLASS,
	  .st = { S_NOFLOW, ST(tx_shaped, 1) } },
	{ .name = "egress shaping: the flow's class beats its qset's", EGRESS,
	  .pkt = { .vlan = { Q(30) }, UDP4 },
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) },
	  .prep = prep_shape_both, .undo = undo_shape_qset,
	  .verdict = TC_ACT_OK, .match = F(0), .llink = LINK_ALL, .out_prio = FLOW_CLASS,
	  .st = { S_FLOW, ST(tx_shaped, 1) } },
	{ .name = "egress shaping: a dropped packet keeps its priority", EGRESS,
	  .pkt = { UDP4 }, .prio = 3,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
};

static const struct row exc_rows[] = {
	{ .name = "egress exception: copied to the ring, TC_ACT_STOLEN", EGRESS, .xsk = true,
	  .pkt = { UDP4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), EXCEPTION) },
	  .verdict = TC_ACT_STOLEN, .match = F(0), .qset_none = true,
	  .st = { S_FLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_EGRESS, .flow = F(0) } },
	{ .name = "egress exception: a large IPv6 packet is copied whole", EGRESS, .xsk = true,
	  .pkt = { UDP6, .size = 1514 }, .flows = { TUPLE_OUT(OUT6(IPPROTO_UDP), EXCEPTION) },
	  .verdict = TC_ACT_STOLEN, .match = F(0), .qset_none = true,
	  .st = { S_FLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_EGRESS, .flow = F(0) } },
	{ .name = "egress exception on llink 100 records its internal id", EGRESS, .xsk = true,
	  .pkt = { .vlan = { Q(100) }, UDP4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), EXCEPTION) },
	  .verdict = TC_ACT_STOLEN, .match = F(0), .llink = LINK100, .qset_none = true,
	  .st = { S_FLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_EGRESS, .flow = F(0), .llink = LINK100 } },
	{ .name = "egress filter chain: every packet is copied up", EGRESS, .xsk = true,
	  .pkt = { .ethertype = 0x0806 }, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .verdict = TC_ACT_STOLEN, .qset_none = true, .st = { S_NOFLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_FILTER, .flow = NO_MATCH } },
	{ .name = "egress filter chain: a matched pass flow's id travels along", EGRESS, .xsk = true,
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP)) },
	  .verdict = TC_ACT_STOLEN, .match = F(0), .qset_none = true,
	  .st = { S_FLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_FILTER, .flow = F(0) } },
	{ .name = "egress filter chain: an exception flow keeps reason egress", EGRESS, .xsk = true,
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), EXCEPTION) },
	  .verdict = TC_ACT_STOLEN, .match = F(0), .qset_none = true,
	  .st = { S_FLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_EGRESS, .flow = F(0) } },
	{ .name = "egress filter chain that only observes: mirrored, the original goes on through its qset (TC_ACT_OK)", EGRESS, .xsk = true,
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS | NETIF_CFG_F_EXC_MIRROR,
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_FILTER, .flow = NO_MATCH,
		   .flags = NETIF_EXC_F_MIRROR } },
	{ .name = "egress exception flow, observing chain: mirrored, the flow's id travels along", EGRESS, .xsk = true,
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS | NETIF_CFG_F_EXC_MIRROR,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), EXCEPTION) },
	  .verdict = TC_ACT_OK, .match = F(0),
	  .st = { S_FLOW, ST(tx_exception, 1) },
	  .exc = { .want = true, .reason = NETIF_EXC_EGRESS, .flow = F(0), .flags = NETIF_EXC_F_MIRROR } },
	{ .name = "egress filter chain: a drop flow drops before the copy", EGRESS, .xsk = true,
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), DROP) },
	  .verdict = TC_ACT_SHOT, .match = F(0), .qset_none = true, .st = { S_FLOW, S_DROPPED } },
	{ .name = "egress filter chain: a bad source MAC drops before the copy", EGRESS, .xsk = true,
	  .pkt = { UDP4, .src_mac = MAC_BCAST }, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .verdict = TC_ACT_SHOT, .llink = LL_NONE, .st = { ST(bad_maddr, 1), ST(tx_drop, 1) } },
};

/* The agent is gone (no socket) or stopped (a stale heartbeat): egress fails open. */
static int pre_stale_agent(struct rowctx *c)
{
	return agent_enter(c->nif, 2 * LIVENESS_STALE_NS);
}

static void undo_stale_agent(struct rowctx *c)
{
	agent_leave(c->nif);
}

static const struct row agent_down_rows[] = {
	{ .name = "egress filter chain without an agent: the packet goes on, tx_exc_agent_down", EGRESS,
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS,
	  .verdict = TC_ACT_OK, .st = { S_NOFLOW, ST(tx_exc_agent_down, 1) } },
	{ .name = "egress exception flow without an agent: the packet goes on", EGRESS,
	  .pkt = { UDP4 }, .flows = { TUPLE_OUT(OUT4(IPPROTO_UDP), EXCEPTION) },
	  .verdict = TC_ACT_OK, .match = F(0), .st = { S_FLOW, ST(tx_exc_agent_down, 1) } },
	{ .name = "egress filter chain, agent socket but a stale heartbeat: the packet goes on", EGRESS,
	  .pkt = { UDP4 }, .cfg_flags = NETIF_CFG_F_FILTERS, .pre = pre_stale_agent,
	  .undo = undo_stale_agent, .verdict = TC_ACT_OK, .st = { S_NOFLOW, ST(tx_exc_agent_down, 1) } },
};

static const struct rate_case rate_cases[] = {
	{ "egress rate: flow 8000 bit/s burst 1000 B, 100 B frames", true, RL_FLOW, 8000, 1000, 100, 16, 150 },
	{ "egress rate: flow rate 0 is unlimited", true, RL_FLOW, 0, 0, 100, 200, 0 },
};

/*
 * A full ring: the packet goes on unmodified (TC_ACT_OK) and is counted.
 * One BPF_PROG_RUN with a repeat count fills the 16 MiB ring; how many
 * records fit follows from the ring buffer's record layout.
 */
static void test_ring_full(void **state)
{
	struct netif *nif = g_env[ENV_NORMAL].nif;
	struct flow_def fd = TUPLE_OUT(OUT4(IPPROTO_UDP), EXCEPTION);
	const struct pkt_def pd = { UDP4, .size = 3000 };
	struct netif_stats before, after;
	struct netif_extack ext = { 0 };
	static struct pkt p;
	struct tc_out to;
	uint64_t rec_size, fit, consumed;
	const uint32_t runs = 8000;
	uint8_t uuid[16];
	int err;

	pkt_build(&pd, true, &p);
	/* BPF_RINGBUF_HDR_SZ, then the sample rounded up to 8 bytes */
	rec_size = 8 + ((sizeof(struct netif_exc_hdr) + p.len + 7) & ~7ULL);
	fit = NETIF_EXC_RING_SIZE / rec_size;
	assert_true(fit < runs);
	assert_int_equal(ring_open(ENV_NORMAL), 0);
	assert_int_equal(flow_install(nif, &fd, uuid), 0);
	assert_int_equal(agent_enter(nif, 0), 0);
	ring_drain(ENV_NORMAL);
	read_stats(nif, &before);
	err = run_tc(nif, &p, 0, runs, &to);
	read_stats(nif, &after);
	ring_buffer__consume(g_env[ENV_NORMAL].ring);
	consumed = g_rec_total;
	ring_drain(ENV_NORMAL);
	agent_leave(nif);
	flow_del(nif, uuid, &ext);

	assert_int_equal(err, 0);
	assert_int_equal(to.verdict, TC_ACT_OK);
	assert_int_equal(after.tx_packets - before.tx_packets, runs);
	assert_int_equal(after.tx_exception - before.tx_exception, fit);
	assert_int_equal(after.tx_exc_ring_full - before.tx_exc_ring_full, runs - fit);
	assert_int_equal(consumed, fit);
	assert_int_equal(g_recs[0].hdr.len, p.len);
	assert_memory_equal(g_recs[0].data, p.data, p.len);
}

/* ---- fixture ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	size_t i;

	xsk_fixture_open("lo", true);
	if (env_open(ENV_NORMAL, "nift2", TEST_IFINDEX + 2) ||
	    env_open(ENV_LL, "nift3", TEST_IFINDEX + 3))
		return -1;
	for (i = 0; i < sizeof(fixture_llinks) / sizeof(fixture_llinks[0]); i++)
		if (add_llink(g_env[ENV_NORMAL].nif, &fixture_llinks[i]))
			return -1;
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
	static struct CMUnitTest tests[128];
	size_t n = 0;

	add_rows(tests, &n, ROWS(flow_rows));
	add_rows(tests, &n, ROWS(mac_rows));
	add_rows(tests, &n, ROWS(malformed_rows));
	add_rows(tests, &n, ROWS(length_rows));
	add_rows(tests, &n, ROWS(malformed_mac_rows));
	add_rows(tests, &n, ROWS(llink_rows));
	add_rows(tests, &n, ROWS(queue_rows));
	add_rows(tests, &n, ROWS(shape_rows));
	add_rows(tests, &n, ROWS(exc_rows));
	add_rows(tests, &n, ROWS(agent_down_rows));
	add_test(tests, &n, "egress exception: a full ring lets the packet go, counted", test_ring_full, NULL);
	add_rates(tests, &n, ROWS(rate_cases));
	return _cmocka_run_group_tests("netif_tc", tests, n, group_setup, group_teardown);
}
