// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netif egress path on clsact egress: classify outbound packets against the
 * dir-out flows (local address = source), validate the source MAC, police,
 * pick the qset's TX queue (by service class in WMM mode) and steer shaped
 * traffic to its HTB class through skb->priority.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "netif/wmm.h"
#include "netif_maps.bpf.h"
#include "netif/parse.h"
#include "flow_lookup.bpf.h"
#include "bucket.bpf.h"
#include "llink.bpf.h"
#include "egress_exc.bpf.h"
#include "liveness.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 netif_low_latency = 0;

/*
 * The classifier looks at most this far into a non-linear packet: two VLAN
 * tags, an IPv6 header and a few extension headers before the ports.
 */
#define NETIF_TC_PULL_LEN 256

/* XNU outbound rule: never a group source; low latency: only our address. */
static __always_inline int outbound_mac_ok(const struct netif_cfg *cfg, const struct netif_pkt *p)
{
	if (mac_is_multicast(p->smac))
		return 0;
	return !netif_low_latency || mac_equal(p->smac, cfg->mac);
}

/*
 * A marked DSCP decides; otherwise skb->priority read as a service class.
 * The order matters: setting IP_TOS makes Linux derive skb->priority from
 * the TOS byte (EF gives 6), which must not be mistaken for a class index.
 */
static __always_inline __u32 service_class(__u32 priority, const struct netif_pkt *p)
{
	if (p->family && p->dscp)
		return netif_dscp_to_svc(p->dscp);
	if (priority > 0 && priority < NETIF_SVC__MAX)
		return priority;
	return NETIF_SVC_BE;
}

/*
 * clang likes to keep &skb->field in a register between a read and a write;
 * the verifier rejects such a modified context pointer. The empty asm makes
 * the compiler recompute the address from skb at the store.
 */
static __always_inline void set_priority(struct __sk_buff *skb, __u32 v)
{
	asm volatile("" : "+r"(skb));
	skb->priority = v;
}

static __always_inline void set_queue_mapping(struct __sk_buff *skb, __u32 v)
{
	asm volatile("" : "+r"(skb));
	skb->queue_mapping = v;
}

static __always_inline int tx_drop(struct netif_stats *st)
{
	st->tx_drop++;
	return TC_ACT_SHOT;
}

/*
 * A packet that is neither dropped nor policed: up to netifd as an
 * exception, or on its way with its TX queue and shaping class.
 */
static __always_inline int tc_forward(struct __sk_buff *skb, const struct netif_cfg *cfg,
				      struct netif_stats *st, const struct netif_flow *f,
				      const struct netif_qsel *qsel, const struct netif_pkt *pkt,
				      __u16 llink)
{
	const struct netif_qset *q = qsel->q;
	struct netif_qset_stats *qst;
	__u32 classid = 0, key = qsel->slot;
	__u8 exc = 0;

	if (f && f->action == NETIF_ACTION_EXCEPTION)
		exc = NETIF_EXC_EGRESS;
	/* a filter chain sees every departing packet; netifd sends back what passes */
	if (!exc && (cfg->flags & NETIF_CFG_F_FILTERS))
		exc = NETIF_EXC_FILTER;
	/* stolen, or mirrored / not copied / no agent: then on through queue selection and shaping */
	if (exc && netif_agent_alive(st)) {
		int ret = netif_egress_exception(skb, cfg, st, exc, f ? f->flow_id : NETIF_NO_FLOW,
						 llink);

		if (ret != TC_ACT_OK)
			return ret;
	}

	if (q) {
		__u32 txq;

		if (q->n_tx && ((q->flags & NETIF_QSET_F_WMM) || q->tx_base || q->n_tx < cfg->tx_queues)) {
			/* the class is worked out here, late, so it is not verifier state before */
			if (q->flags & NETIF_QSET_F_WMM)
				txq = q->tx_base + netif_svc_to_wmm(service_class(skb->priority, pkt));
			else
				txq = q->tx_base + bpf_get_hash_recalc(skb) % q->n_tx;
			/*
			 * The stack reads a queue_mapping written here as "recorded
			 * queue + 1" when it picks the TX queue (measured on 6.18);
			 * XPS, where configured, takes precedence.
			 */
			set_queue_mapping(skb, txq + 1);
			st->tx_queue_mapped++;
		}
		classid = q->classid;
	}
	/* a shaped flow's class is more specific than its qset's */
	if (f && (f->flags & NETIF_FLOW_F_SHAPE) && f->classid)
		classid = f->classid;
	if (classid) {
		/* HTB picks the class named by skb->priority */
		set_priority(skb, classid);
		st->tx_shaped++;
	}
	qst = bpf_map_lookup_elem(&qset_stats, &key);
	if (qst) {
		qst->tx_packets++;
		qst->tx_bytes += pkt->len;
	}
	return TC_ACT_OK;
}

static __always_inline void llink_tx_account(__u32 slot, __u32 len)
{
	struct netif_llink_stats *lst = bpf_map_lookup_elem(&llink_stats, &slot);

	if (lst) {
		lst->tx_packets++;
		lst->tx_bytes += len;
	}
}

SEC("tc")
int netif_tc(struct __sk_buff *skb)
{
	struct netif_llink_rx *ll = NULL;
	struct netif_frame *fr;
	struct netif_pkt *pkt;
	struct netif_qsel qsel;
	struct netif_stats *st;
	struct netif_match m;
	struct netif_cfg *cfg;
	void *data, *data_end;
	__u32 zero = 0, flow_id, rl = 0;
	__u16 vid;
	int ret;

	cfg = bpf_map_lookup_elem(&netif_cfg, &zero);
	st = bpf_map_lookup_elem(&netif_stats, &zero);
	fr = bpf_map_lookup_elem(&frame_scratch, &zero);
	if (!cfg || !st || !fr)
		return TC_ACT_OK;

	st->tx_packets++;
	st->tx_bytes += skb->len;

	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (data + NETIF_TC_PULL_LEN > data_end && skb->len > data_end - data) {
		bpf_skb_pull_data(skb, skb->len < NETIF_TC_PULL_LEN ? skb->len : NETIF_TC_PULL_LEN);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}
	pkt = &fr->pkt;
	fr->clk.coarse = 0;
	fr->clk.precise = 0;
	ret = netif_parse_frame(data, data_end, skb->len, pkt);
	/* the MAC rule needs only the Ethernet header: a broken IP header is no way around it */
	if (ret != NETIF_PARSE_SHORT_ETH && !outbound_mac_ok(cfg, pkt)) {
		st->bad_maddr++;
		return tx_drop(st);
	}
	if (ret != NETIF_PARSE_OK) {
		st->tx_malformed++;
		return TC_ACT_OK;
	}

	/* an offloaded tag is not in the frame: the llink is the skb's VLAN */
	vid = skb->vlan_present ? (skb->vlan_tci & 0x0fff) : pkt->vid;
	switch (netif_llink_resolve(cfg, st, vid, NETIF_DIR_OUT, &ll)) {
	case NETIF_LLINK_OK:
		break;
	case NETIF_LLINK_PASS:
		return TC_ACT_OK;
	default:
		return tx_drop(st);
	}
	llink_tx_account(ll->slot, pkt->len);

	m = netif_flow_lookup(cfg, fr, NETIF_DIR_OUT, ll->internal_id);
	if (m.flow)
		st->tx_flow_found++;
	else
		st->tx_flow_not_found++;
	netif_qset_select(st, ll, m.flow ? m.flow->qset_hint : 0, 1, &qsel);

	flow_id = m.flow ? m.flow->flow_id : NETIF_NO_FLOW;
	if (m.flow && (m.flow->flags & NETIF_FLOW_F_RATE) &&
	    netif_bucket_admit(NETIF_BUCKET_FLOW_BASE + flow_id, pkt->len, &fr->clk)) {
		rl = 1;
		netif_qset_drop(qsel.slot);
		st->tx_drop_rate_limited++;
		ret = tx_drop(st);
	} else if (m.flow && m.flow->action == NETIF_ACTION_DROP) {
		st->tx_drop_policy++;
		ret = tx_drop(st);
	} else {
		ret = tc_forward(skb, cfg, st, m.flow, &qsel, pkt, ll->internal_id);
	}
	if (flow_id != NETIF_NO_FLOW)
		netif_flow_account(flow_id, pkt->len, ret == TC_ACT_SHOT, rl);
	return ret;
}
