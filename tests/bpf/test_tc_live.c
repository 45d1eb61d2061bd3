// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What BPF_PROG_RUN cannot show about netif_tc, on a live device: the TX
 * queue a packet actually leaves on (skb->queue_mapping is neither taken
 * nor reported by BPF_PROG_RUN, and tracing programs cannot load here),
 * the pull of a non-linear skb, exceptions up to 64 KiB and GSO packets.
 *
 * The test makes a private network namespace with a veth pair of 8 TX
 * queues under an mq root (one class per queue, each counting what it
 * sent), attaches the netif to one end through nexus_attach(), and sends
 * raw frames with chosen skb->priority from an AF_PACKET socket.
 */
#include <sched.h>
#include <poll.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <linux/rtnetlink.h>
#include <linux/gen_stats.h>
#include <libmnl/libmnl.h>
#include "netif/wmm.h"
#include "userspace/netifd/rtnl.h"
#include "pkt.h"
#include "tests/bpf/vlan_push.skel.h"

#define DEV "nifq0"
#define PEER "nifq1"
#define NQUEUES 8
#define WMM_VLAN 10
#define WMM_BASE 4  /* the WMM qset owns queues 4..7 */
#define HI2_VLAN 20
#define HI2_BASE 2  /* a plain qset on queues 2..3 */

/* Offsets of the access categories inside a WMM qset (the brief's order). */
enum { AC_VO = 0, AC_VI = 1, AC_BE = 2, AC_BK = 3 };

static struct agent g_ag;
static struct netif *g_nif;
static int g_ifindex;
static int g_sock = -1;
static struct vlan_push *g_push; /* gives packets an offloaded tag on demand */

/* ---- per-queue counters from the mq classes -------------------------------- */

struct qcount {
	uint64_t packets[NQUEUES];
};

static int class_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct qcount *qc = data;
	const struct nlattr *a, *s;
	uint32_t minor = TC_H_MIN(tcm->tcm_handle);

	if (nlh->nlmsg_type != RTM_NEWTCLASS || tcm->tcm_ifindex != g_ifindex ||
	    TC_H_MAJ(tcm->tcm_handle) != TC_H_MAKE(1U << 16, 0) || minor < 1 || minor > NQUEUES)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*tcm)) {
		if (mnl_attr_get_type(a) != TCA_STATS2)
			continue;
		mnl_attr_for_each_nested(s, a) {
			struct gnet_stats_basic b;

			if (mnl_attr_get_type(s) != TCA_STATS_BASIC ||
			    mnl_attr_get_payload_len(s) < offsetof(struct gnet_stats_basic, packets) + 4)
				continue;
			memcpy(&b, mnl_attr_get_payload(s), sizeof(b) < mnl_attr_get_payload_len(s)
								? sizeof(b) : mnl_attr_get_payload_len(s));
			qc->packets[minor - 1] = b.packets;
		}
	}
	return MNL_CB_OK;
}

static int read_queues(struct qcount *qc)
{
	static char buf[RTNL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	memset(qc, 0, sizeof(*qc));
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETTCLASS;
	nlh->nlmsg_flags = NLM_F_DUMP;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = g_ifindex;
	return rtnl_talk(nlh, class_cb, qc, NULL, 0);
}

/*
 * Send one frame with skb->priority = prio and find the queue it left on
 * (-1: none). A frame the TC program shoots comes back as ENOBUFS
 * (NET_XMIT_DROP): that is a verdict, not an error, and returns 0 with
 * *sent 0.
 */
static int send_frame(const struct pkt *p, uint32_t prio, int *queue, unsigned int *sent)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = g_ifindex, .sll_halen = 6 };
	struct qcount before, after;
	int i, tries;

	memcpy(sll.sll_addr, p->data, 6);
	/* what eth_type_trans() would say: the stack hashes the flow from it */
	memcpy(&sll.sll_protocol, p->data + 12, 2);
	if (read_queues(&before))
		return -EIO;
	if (setsockopt(g_sock, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)))
		return -errno;
	if (sendto(g_sock, p->data, p->len, 0, (struct sockaddr *)&sll, sizeof(sll)) != (ssize_t)p->len &&
	    errno != ENOBUFS)
		return -errno;
	/* veth transmits from the sender's context; allow a moment for a deferred qdisc run */
	for (tries = 0; tries < 50; tries++) {
		if (read_queues(&after))
			return -EIO;
		*sent = 0;
		*queue = -1;
		for (i = 0; i < NQUEUES; i++) {
			if (after.packets[i] != before.packets[i]) {
				*sent += after.packets[i] - before.packets[i];
				*queue = i;
			}
		}
		if (*sent)
			break;
		usleep(2000);
	}
	return 0;
}

/* ---- rows ----------------------------------------------------------------------- */

struct qrow {
	const char *name;
	uint16_t vlan;     /* 0: untagged */
	uint32_t prio;     /* skb->priority */
	uint8_t l3;
	uint8_t dscp;
	bool hint;         /* a dir-out flow hints the WMM qset */
	int queue;         /* the device TX queue it must leave on */
	uint16_t accel;    /* offloaded VLAN tag (skb->vlan_tci) added on the way */
};

/*
 * Expected queues come from the service class table (XNU's: BK_SYS and BK
 * are BK; AV, RV and VI are VI; VO and CTL are VO; the rest BE) and the
 * DSCP classes of include/netif/wmm.h, not from the code under test.
 */
static const struct qrow qrows[] = {
	{ "live queue: WMM, priority 0 (BE) leaves on the BE queue", WMM_VLAN, 0, 4, 0, false, WMM_BASE + AC_BE, 0 },
	{ "live queue: WMM, priority 1 (BK_SYS) leaves on the BK queue", WMM_VLAN, 1, 4, 0, false, WMM_BASE + AC_BK, 0 },
	{ "live queue: WMM, priority 2 (BK) leaves on the BK queue", WMM_VLAN, 2, 4, 0, false, WMM_BASE + AC_BK, 0 },
	{ "live queue: WMM, priority 3 (RD) leaves on the BE queue", WMM_VLAN, 3, 4, 0, false, WMM_BASE + AC_BE, 0 },
	{ "live queue: WMM, priority 4 (OAM) leaves on the BE queue", WMM_VLAN, 4, 4, 0, false, WMM_BASE + AC_BE, 0 },
	{ "live queue: WMM, priority 5 (AV) leaves on the VI queue", WMM_VLAN, 5, 4, 0, false, WMM_BASE + AC_VI, 0 },
	{ "live queue: WMM, priority 6 (RV) leaves on the VI queue", WMM_VLAN, 6, 4, 0, false, WMM_BASE + AC_VI, 0 },
	{ "live queue: WMM, priority 7 (VI) leaves on the VI queue", WMM_VLAN, 7, 4, 0, false, WMM_BASE + AC_VI, 0 },
	{ "live queue: WMM, priority 8 (VO) leaves on the VO queue", WMM_VLAN, 8, 4, 0, false, WMM_BASE + AC_VO, 0 },
	{ "live queue: WMM, priority 9 (CTL) leaves on the VO queue", WMM_VLAN, 9, 4, 0, false, WMM_BASE + AC_VO, 0 },
	{ "live queue: WMM, priority 10 (no class) leaves on the BE queue", WMM_VLAN, 10, 4, 0, false, WMM_BASE + AC_BE, 0 },
	{ "live queue: WMM, an HTB-like priority 0x10008 leaves on the BE queue", WMM_VLAN, 0x10008, 4, 0, false, WMM_BASE + AC_BE, 0 },
	{ "live queue: WMM, DSCP CS1 beats priority VO: BK queue", WMM_VLAN, 8, 4, 8, false, WMM_BASE + AC_BK, 0 },
	{ "live queue: WMM, DSCP AF11: BK queue", WMM_VLAN, 0, 4, 10, false, WMM_BASE + AC_BK, 0 },
	{ "live queue: WMM, DSCP CS2 (OAM): BE queue", WMM_VLAN, 8, 4, 16, false, WMM_BASE + AC_BE, 0 },
	{ "live queue: WMM, DSCP CS3 (RV): VI queue", WMM_VLAN, 0, 4, 24, false, WMM_BASE + AC_VI, 0 },
	{ "live queue: WMM, DSCP AF41: VI queue", WMM_VLAN, 0, 4, 34, false, WMM_BASE + AC_VI, 0 },
	{ "live queue: WMM, DSCP CS5: VI queue", WMM_VLAN, 0, 4, 40, false, WMM_BASE + AC_VI, 0 },
	{ "live queue: WMM, DSCP EF beats priority BK: VO queue", WMM_VLAN, 2, 4, 46, false, WMM_BASE + AC_VO, 0 },
	{ "live queue: WMM, DSCP CS6: VO queue", WMM_VLAN, 0, 4, 48, false, WMM_BASE + AC_VO, 0 },
	{ "live queue: WMM, DSCP CS7 (CTL): VO queue", WMM_VLAN, 0, 4, 56, false, WMM_BASE + AC_VO, 0 },
	{ "live queue: WMM, DSCP 0: priority 8 decides, VO queue", WMM_VLAN, 8, 4, 0, false, WMM_BASE + AC_VO, 0 },
	{ "live queue: WMM, IPv6 traffic class EF: VO queue", WMM_VLAN, 0, 6, 46, false, WMM_BASE + AC_VO, 0 },
	{ "live queue: WMM, IPv6 traffic class CS1: BK queue", WMM_VLAN, 9, 6, 8, false, WMM_BASE + AC_BK, 0 },
	{ "live queue: WMM, a non-IP frame: priority 5 (AV), VI queue", WMM_VLAN, 5, 0, 0, false, WMM_BASE + AC_VI, 0 },
	{ "live queue: an untagged flow hinted to the WMM qset, priority 7: VI queue", 0, 7, 4, 0, true, WMM_BASE + AC_VI, 0 },
	{ "live queue: an offloaded VLAN 10 tag picks the WMM llink, priority 8: VO queue", 0, 8, 4, 0, false, WMM_BASE + AC_VO, WMM_VLAN },
	{ "live queue: an offloaded tag beats the in-frame one: VLAN 10, priority 2: BK queue", HI2_VLAN, 2, 4, 0, false, WMM_BASE + AC_BK, WMM_VLAN },
};

static void build(struct pkt *p, uint16_t vlan, uint8_t l3, uint8_t dscp, uint16_t sport)
{
	struct pkt_def pd = { .l3 = l3, .proto = l3 ? IPPROTO_UDP : 0, .tos = dscp << 2,
			      .sport = sport, .ethertype = 0x88b5, .dst_mac = MAC_PEER };

	if (vlan) {
		pd.vlan[0].tpid = ETH_P_8021Q;
		pd.vlan[0].vid = vlan;
	}
	pkt_build(&pd, true, p);
}

static void run_qrow(void **state)
{
	const struct qrow *r = *state;
	struct flow_def fd = {
		.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT, .proto = IPPROTO_UDP,
		.src = LOCAL4, .dport = PORT(REMOTE_PORT), .hint = QS(WMM_VLAN, 0),
	};
	struct netif_stats before, after;
	struct netif_extack ext = { 0 };
	unsigned int sent = 0;
	uint8_t uuid[16];
	int err, queue = -1;
	static struct pkt p;

	assert_non_null(g_nif);
	build(&p, r->vlan, r->l3, r->dscp, 0);
	if (r->hint)
		assert_int_equal(flow_install(g_nif, &fd, uuid), 0);
	read_stats(g_nif, &before);
	g_push->bss->vid = r->accel;
	err = send_frame(&p, r->prio, &queue, &sent);
	g_push->bss->vid = 0;
	read_stats(g_nif, &after);
	if (r->hint)
		flow_del(g_nif, uuid, &ext);
	assert_int_equal(err, 0);
	assert_int_equal(sent, 1);
	assert_int_equal(after.tx_packets - before.tx_packets, 1);
	assert_int_equal(after.tx_queue_mapped - before.tx_queue_mapped, 1);
	assert_int_equal(queue, r->queue);
}

/*
 * A plain qset on queues 2..3 spreads flows by hash inside its range and
 * never outside it; 32 flows all landing on one of two queues would take
 * odds of 2^-31. The frames are untagged and reach the qset through a
 * flow's hint: for an in-frame tag, AF_PACKET leaves skb->protocol and the
 * network header disagreeing, and the kernel's flow hash of such a frame
 * ignores the ports.
 */
static void test_spread(void **state)
{
	struct flow_def fd = {
		.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT, .proto = IPPROTO_UDP,
		.src = LOCAL4, .hint = QS(HI2_VLAN, 0),
	};
	struct netif_extack ext = { 0 };
	unsigned int hits[NQUEUES] = { 0 }, bad = 0;
	static struct pkt p;
	uint8_t uuid[16];
	int i, q, err = 0;

	assert_non_null(g_nif);
	assert_int_equal(flow_install(g_nif, &fd, uuid), 0);
	for (i = 0; i < 32 && !err; i++) {
		unsigned int sent = 0;

		build(&p, 0, 4, 0, 1000 + i);
		q = -1;
		err = send_frame(&p, 0, &q, &sent);
		if (sent != 1 || q < 0)
			bad++;
		else
			hits[q]++;
	}
	flow_del(g_nif, uuid, &ext);
	assert_int_equal(err, 0);
	assert_int_equal(bad, 0);
	for (q = 0; q < NQUEUES; q++)
		if (q != HI2_BASE && q != HI2_BASE + 1 && hits[q])
			fail_msg("%u flow(s) left on queue %d, outside the qset's 2..3", hits[q], q);
	assert_true(hits[HI2_BASE] > 0);
	assert_true(hits[HI2_BASE + 1] > 0);
}

/*
 * A packet socket hands over frames above a page as a non-linear skb with
 * only the Ethernet header in the linear part: the program pulls what it
 * parses, and the flow's ports decide.
 */
static void test_nonlinear(void **state)
{
	struct flow_def fd = {
		.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT, .proto = IPPROTO_UDP,
		.src = LOCAL4, .dst = REMOTE4, .sport = PORT(LOCAL_PORT), .dport = PORT(REMOTE_PORT),
		.action = NETIF_ACTION_DROP,
	};
	const struct pkt_def pd = { .l3 = 4, .proto = IPPROTO_UDP, .size = 5000, .dst_mac = MAC_PEER };
	struct netif_stats before, after;
	struct netif_extack ext = { 0 };
	static struct pkt p;
	unsigned int sent = 0;
	uint8_t uuid[16];
	struct netif_flow_stats fst = { 0 };
	int err, queue = -1;

	assert_non_null(g_nif);
	pkt_build(&pd, true, &p);
	assert_int_equal(flow_install(g_nif, &fd, uuid), 0);
	read_stats(g_nif, &before);
	err = send_frame(&p, 0, &queue, &sent);
	read_stats(g_nif, &after);
	flow_counters(g_nif, flow_find(g_nif, uuid), &fst);
	flow_del(g_nif, uuid, &ext);
	assert_int_equal(err, 0);
	assert_int_equal(sent, 0);
	assert_int_equal(after.tx_packets - before.tx_packets, 1);
	assert_int_equal(after.tx_malformed - before.tx_malformed, 0);
	assert_int_equal(after.tx_drop_policy - before.tx_drop_policy, 1);
	assert_int_equal(fst.packets, 1);
	assert_int_equal(fst.bytes, p.len);
}

/*
 * Copies of every size up to NETIF_EXC_MAX_FRAME (64 KiB, a GSO packet of
 * the stack's default maximum): through the staging buffer up to 16 KiB,
 * straight into 32 or 64 KiB ring records above; byte for byte. Beyond,
 * an exception is not copied: counted, and the packet goes out.
 */
static void test_exc_sizes(void **state)
{
	struct flow_def fd = {
		.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT, .proto = IPPROTO_UDP,
		.dport = PORT(REMOTE_PORT), .action = NETIF_ACTION_EXCEPTION,
	};
	static const uint32_t sizes[] = {
		NETIF_EXC_SCRATCH_FRAME, NETIF_EXC_SCRATCH_FRAME + 1, NETIF_EXC_MAX_FRAME / 2,
		NETIF_EXC_MAX_FRAME / 2 + 1, NETIF_EXC_MAX_FRAME, NETIF_EXC_MAX_FRAME + 1,
	};
	struct netif_extack ext = { 0 };
	static struct pkt p;
	uint8_t uuid[16];
	size_t i;

	assert_non_null(g_nif);
	/* the agent is there to take the copy (tc/liveness.bpf.h) */
	assert_int_equal(agent_enter(g_nif, 0), 0);
	assert_int_equal(flow_install(g_nif, &fd, uuid), 0);
	assert_int_equal(ring_open(ENV_NORMAL), 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const struct pkt_def pd = { .l3 = 4, .proto = IPPROTO_UDP, .size = sizes[i],
					    .dst_mac = MAC_PEER };
		struct netif_stats before, after;
		unsigned int sent = 0;
		int err, queue = -1;
		bool copied = sizes[i] <= NETIF_EXC_MAX_FRAME;

		pkt_build(&pd, true, &p);
		ring_drain(ENV_NORMAL);
		/* a fresh heartbeat: building and sending 64 KiB frames takes seconds in an emulated guest */
		agent_beat();
		read_stats(g_nif, &before);
		err = send_frame(&p, 0, &queue, &sent);
		read_stats(g_nif, &after);
		ring_buffer__consume(g_env[ENV_NORMAL].ring);
		if (err || sent != !copied || g_rec_total != copied ||
		    after.tx_exception - before.tx_exception != copied ||
		    after.tx_exc_too_big - before.tx_exc_too_big != !copied ||
		    (copied && (g_recs[0].hdr.len != sizes[i] || g_recs[0].size < sizes[i] ||
				memcmp(g_recs[0].data, p.data, p.len) != 0))) {
			flow_del(g_nif, uuid, &ext);
			agent_leave(g_nif);
			fail_msg("%u-byte exception: err %d, sent %u, %llu record(s) (len %u), "
				 "tx_exception +%llu, tx_exc_too_big +%llu, tx_packets +%llu, "
				 "tx_malformed +%llu, tx_flow_found +%llu, tx_exc_agent_down +%llu",
				 sizes[i], err, sent, (unsigned long long)g_rec_total,
				 g_rec_total ? g_recs[0].hdr.len : 0,
				 (unsigned long long)(after.tx_exception - before.tx_exception),
				 (unsigned long long)(after.tx_exc_too_big - before.tx_exc_too_big),
				 (unsigned long long)(after.tx_packets - before.tx_packets),
				 (unsigned long long)(after.tx_malformed - before.tx_malformed),
				 (unsigned long long)(after.tx_flow_found - before.tx_flow_found),
				 (unsigned long long)(after.tx_exc_agent_down - before.tx_exc_agent_down));
		}
	}
	flow_del(g_nif, uuid, &ext);
	agent_leave(g_nif);
}

/*
 * A GSO packet (here from a packet socket with a virtio-net header, as
 * TCP builds them): the copy is the whole packet, with its segment size,
 * and its checksum state. netifd splits it (tests/unit/test_segment.c).
 */
static void test_exc_gso(void **state)
{
	struct flow_def fd = {
		.type = NETIF_FLOW_TUPLE, .dir = NETIF_DIR_OUT, .proto = IPPROTO_TCP,
		.dport = PORT(REMOTE_PORT), .action = NETIF_ACTION_EXCEPTION,
	};
	const struct pkt_def pd = { .l3 = 4, .proto = IPPROTO_TCP, .size = 14 + 20 + 20 + 4 * 1400,
				    .dst_mac = MAC_PEER };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = g_ifindex, .sll_halen = 6,
				   .sll_protocol = htons(ETH_P_IP) };
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = 14 + 20 + 20, .gso_size = 1400, .csum_start = 14 + 20, .csum_offset = 16,
	};
	struct netif_extack ext = { 0 };
	static uint8_t buf[sizeof(vh) + PKT_MAX];
	static struct pkt p;
	uint8_t uuid[16];
	int s, on = 1, tries;

	assert_non_null(g_nif);
	pkt_build(&pd, true, &p);
	memcpy(sll.sll_addr, p.data, 6);
	memcpy(buf, &vh, sizeof(vh));
	memcpy(buf + sizeof(vh), p.data, p.len);
	s = socket(AF_PACKET, SOCK_RAW, 0);
	assert_true(s >= 0);
	assert_int_equal(setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof(on)), 0);
	/* the agent is there to take the copy (tc/liveness.bpf.h) */
	assert_int_equal(agent_enter(g_nif, 0), 0);
	assert_int_equal(flow_install(g_nif, &fd, uuid), 0);
	assert_int_equal(ring_open(ENV_NORMAL), 0);
	ring_drain(ENV_NORMAL);
	if (sendto(s, buf, sizeof(vh) + p.len, 0, (struct sockaddr *)&sll, sizeof(sll)) !=
	    (ssize_t)(sizeof(vh) + p.len)) {
		close(s);
		flow_del(g_nif, uuid, &ext);
		agent_leave(g_nif);
		fail_msg("sendto: %s", strerror(errno));
	}
	close(s);
	for (tries = 0; tries < 50 && !g_rec_total; tries++) {
		ring_buffer__consume(g_env[ENV_NORMAL].ring);
		if (!g_rec_total)
			usleep(2000);
	}
	flow_del(g_nif, uuid, &ext);
	agent_leave(g_nif);
	assert_int_equal(g_rec_total, 1);
	assert_int_equal(g_recs[0].hdr.len, p.len);
	assert_int_equal(g_recs[0].hdr.gso_size, 1400);
	if (features_has(NETIF_FEAT_KERN_CTX)) {
		/* the kernel says where its unfinished sum starts */
		assert_int_equal(g_recs[0].hdr.csum, NETIF_EXC_CSUM_PARTIAL);
		assert_int_equal(g_recs[0].hdr.csum_start, 14 + 20);
		assert_int_equal(g_recs[0].hdr.csum_offset, 16);
	} else {
		/* before 6.2 nothing to ask: netifd judges (segments get fresh sums anyway) */
		assert_int_equal(g_recs[0].hdr.csum, NETIF_EXC_CSUM_UNKNOWN);
	}
	/* the payload as sent; the checksum field is the stack's to fill */
	assert_memory_equal(g_recs[0].data + 14 + 20 + 20, p.data + 14 + 20 + 20, p.len - 14 - 20 - 20);
}

/* The llink of an offloaded tag follows the unknown-VLAN policy like an in-frame one. */
static void test_accel_unknown_drop(void **state)
{
	struct netif_stats before, after;
	struct netif_extack ext = { 0 };
	static struct pkt p;
	unsigned int sent = 1;
	int err, queue = -1;

	assert_non_null(g_nif);
	build(&p, 0, 4, 0, 0);
	assert_int_equal(nexus_set_vlan_policy(g_nif, NETIF_VLAN_DROP, &ext), 0);
	read_stats(g_nif, &before);
	g_push->bss->vid = 333;
	err = send_frame(&p, 0, &queue, &sent);
	g_push->bss->vid = 0;
	read_stats(g_nif, &after);
	nexus_set_vlan_policy(g_nif, NETIF_VLAN_DEFAULT, &ext);
	assert_int_equal(err, 0);
	assert_int_equal(sent, 0);
	assert_int_equal(after.llink_unknown_vlan - before.llink_unknown_vlan, 1);
	assert_int_equal(after.tx_drop - before.tx_drop, 1);
}

/* ---- fixture ------------------------------------------------------------------ */

static int sh(const char *cmd)
{
	char line[512];

	snprintf(line, sizeof(line), "%s >/dev/null 2>&1", cmd);
	if (system(line)) {
		fprintf(stderr, "# failed: %s\n", cmd);
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = fputs(s, f) < 0;
	return fclose(f) || err ? -1 : 0;
}

static int group_setup(void **state)
{
	struct attach_req req = { .ifname = DEV };
	struct netif_extack ext = { 0 };
	struct llink_config wmm = {
		.link_id = WMM_VLAN, .has_vlan = true, .vlan = WMM_VLAN, .nqsets = 1,
		.qsets[0] = { .flags = NETIF_QSET_F_DEFAULT | NETIF_QSET_F_WMM, .n_rx = 1,
			      .n_tx = NETIF_WMM_TX_QUEUES, .tx_base = WMM_BASE },
	};
	struct llink_config hi2 = {
		.link_id = HI2_VLAN, .has_vlan = true, .vlan = HI2_VLAN, .nqsets = 1,
		.qsets[0] = { .flags = NETIF_QSET_F_DEFAULT, .n_rx = 1, .n_tx = 2, .tx_base = HI2_BASE },
	};
	int err;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "# unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	/* nothing but our frames on the wire: no IPv6 autoconfiguration chatter */
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	if (sh("ip link add " DEV " numtxqueues 8 numrxqueues 8 type veth peer name " PEER
	       " numtxqueues 8 numrxqueues 8") ||
	    sh("ip link set " DEV " mtu 65535 up") || sh("ip link set " PEER " mtu 65535 up") ||
	    sh("tc qdisc add dev " DEV " root handle 1: mq"))
		return -1;
	attach_req_defaults(&req);
	err = nexus_attach(&g_ag, &req, &g_nif, &ext);
	if (err) {
		fprintf(stderr, "# nexus_attach: %s: %s\n", strerror(-err), ext.msg);
		g_nif = NULL;
		return -1;
	}
	g_ifindex = g_nif->ifindex;
	g_env[ENV_NORMAL].nif = g_nif; /* for ring_open() */
	if (llink_add(g_nif, &wmm, &ext) || llink_add(g_nif, &hi2, &ext)) {
		fprintf(stderr, "# llink_add: %s\n", ext.msg);
		return -1;
	}
	g_push = vlan_push__open_and_load();
	if (!g_push)
		return -1;
	{
		/* before netif_tc (priority 0xc000) in the clsact egress chain egress_attach() made */
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = g_ifindex, .attach_point = BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1,
			    .prog_fd = bpf_program__fd(g_push->progs.push_tag));

		if (bpf_tc_attach(&hook, &opts))
			return -1;
	}
	/* the "agent" of the exception rows (tc/liveness.bpf.h); one socket for the
	 * whole group: a closed one releases its queue asynchronously */
	xsk_fixture_open(DEV, false);
	g_sock = socket(AF_PACKET, SOCK_RAW, 0);
	return g_sock < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	if (g_sock >= 0)
		close(g_sock);
	if (g_push)
		vlan_push__destroy(g_push);
	g_push = NULL;
	if (g_env[ENV_NORMAL].ring)
		ring_buffer__free(g_env[ENV_NORMAL].ring);
	memset(&g_env[ENV_NORMAL], 0, sizeof(g_env[ENV_NORMAL]));
	xsk_fixture_close();
	if (g_nif)
		nexus_destroy(&g_ag, g_nif);
	g_nif = NULL;
	sh("ip link del " DEV);
	return 0;
}

int main(void)
{
	static struct CMUnitTest tests[64];
	size_t n = 0, i;

	for (i = 0; i < sizeof(qrows) / sizeof(qrows[0]); i++)
		add_test(tests, &n, qrows[i].name, run_qrow, (void *)&qrows[i]);
	add_test(tests, &n, "live queue: a plain qset spreads flows over its own queues only",
		 test_spread, NULL);
	add_test(tests, &n, "live egress: an offloaded tag of an unknown VLAN, policy drop: shot",
		 test_accel_unknown_drop, NULL);
	add_test(tests, &n, "live egress: a non-linear 5000-byte packet is pulled and classified",
		 test_nonlinear, NULL);
	add_test(tests, &n, "live egress: exceptions up to 64 KiB are copied whole, larger ones go out",
		 test_exc_sizes, NULL);
	add_test(tests, &n, "live egress: a GSO packet is copied whole with its segment size",
		 test_exc_gso, NULL);
	return _cmocka_run_group_tests("netif_tc_live", tests, n, group_setup, group_teardown);
}
