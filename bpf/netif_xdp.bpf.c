// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netif ingress fast path: classify every received frame against the netif
 * flow tables and execute the flow's action, entirely in XDP.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "netif_maps.bpf.h"
#include "netif/parse.h"
#include "flow_lookup.bpf.h"
#include "bucket.bpf.h"
#include "llink.bpf.h"
#include "netif/frame_mark.h"
#include "reinject.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Fixed at attach: low-latency netifs apply XNU's stricter MAC rules. */
const volatile __u8 netif_low_latency = 0;

/*
 * Inbound MAC rule: the destination must be our address or a group address;
 * a low-latency netif accepts only its own address.
 */
static __always_inline int inbound_mac_ok(const struct netif_cfg *cfg, const struct netif_pkt *p)
{
	if (mac_is_multicast(p->dmac))
		return !netif_low_latency;
	return mac_equal(p->dmac, cfg->mac);
}

static __always_inline int verdict_pass(struct netif_stats *st)
{
	st->pass++;
	return XDP_PASS;
}

static __always_inline int verdict_drop(struct netif_stats *st)
{
	st->drop++;
	return XDP_DROP;
}

/*
 * Hand the frame to netifd through the AF_XDP socket of its RX queue, with
 * the classification in the metadata area. Without a socket (agent down,
 * or not started yet) the frame goes to the host stack, counted.
 */
static __always_inline int to_agent(struct xdp_md *ctx, struct netif_stats *st, __u8 reason,
				    __u8 action, __u8 port, __u32 flow_id, __u16 llink)
{
	struct netif_xdp_meta *meta;
	__u32 q = ctx->rx_queue_index;
	void *data;

	if (!bpf_map_lookup_elem(&xsks, &q)) {
		st->exc_no_socket++;
		return verdict_pass(st);
	}
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta))) {
		st->exc_meta_fail++;
		return verdict_pass(st);
	}
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data) {
		st->exc_meta_fail++;
		return verdict_pass(st);
	}
	meta->flow_id = flow_id;
	meta->llink = llink;
	meta->reason = reason;
	meta->port = port;
	meta->action = action;
	meta->pad[0] = meta->pad[1] = meta->pad[2] = 0;
	meta->magic = NETIF_XDP_META_MAGIC;
	if (bpf_redirect_map(&xsks, q, XDP_PASS) != XDP_REDIRECT) {
		st->exc_no_socket++;
		return verdict_pass(st);
	}
	st->exception++;
	if (reason == NETIF_EXC_PORT)
		st->exc_port++;
	else if (reason == NETIF_EXC_FILTER)
		st->exc_filter++;
	return XDP_REDIRECT;
}

/* A frame netifd re-injected in compat mode: let it through once. */
static __always_inline int reinjected(void *data, void *data_end)
{
	__u64 mark = netif_frame_mark(data, data_end);
	__u32 *pending = bpf_map_lookup_elem(&reinject_marks, &mark);

	if (!pending)
		return 0;
	/*
	 * The old value of a fetch-add needs -mcpu=v3, whose 32-bit
	 * sub-registers blow up verification of the TC program; a plain atomic
	 * add and a re-read are good enough for a one-shot mark.
	 */
	__sync_fetch_and_add(pending, -1);
	if ((int)*pending <= 0)
		bpf_map_delete_elem(&reinject_marks, &mark);
	return 1;
}

/*
 * Where a classified, admitted frame goes. Drops and redirects finish here;
 * frames for the host stack or a client port go up to netifd when the flow
 * or the default action says so, or when a filter chain wants to see them.
 */
static __always_inline int xdp_act(struct xdp_md *ctx, const struct netif_cfg *cfg,
				   struct netif_stats *st, const struct netif_flow *f, __u16 llink)
{
	__u32 flow_id = NETIF_NO_FLOW, ifindex = 0;
	__u8 action = cfg->default_action, port = 0;

	if (f) {
		flow_id = f->flow_id;
		action = f->action;
		port = f->port;
		ifindex = f->redirect_ifindex;
	}
	switch (action) {
	case NETIF_ACTION_DROP:
		st->drop_policy++;
		return verdict_drop(st);
	case NETIF_ACTION_REDIRECT:
		if (bpf_redirect_map(&redirect_devs, ifindex, XDP_DROP) == XDP_REDIRECT) {
			st->redirect++;
			return XDP_REDIRECT;
		}
		st->drop_redirect++;
		return verdict_drop(st);
	case NETIF_ACTION_PORT:
		return to_agent(ctx, st, NETIF_EXC_PORT, NETIF_ACTION_PORT, port, flow_id, llink);
	case NETIF_ACTION_EXCEPTION:
		return to_agent(ctx, st, f ? NETIF_EXC_FLOW : NETIF_EXC_DEFAULT, NETIF_ACTION_PASS, 0,
				flow_id, llink);
	default:
		if (cfg->flags & NETIF_CFG_F_FILTERS)
			return to_agent(ctx, st, NETIF_EXC_FILTER, NETIF_ACTION_PASS, 0, flow_id, llink);
		return verdict_pass(st);
	}
}

/* The frame's llink and qset counters. */
static __always_inline void slots_account(__u32 llink_slot, __u32 qset_slot, __u32 len)
{
	struct netif_llink_stats *lst = bpf_map_lookup_elem(&llink_stats, &llink_slot);
	struct netif_qset_stats *qst = bpf_map_lookup_elem(&qset_stats, &qset_slot);

	if (lst) {
		lst->rx_packets++;
		lst->rx_bytes += len;
	}
	if (qst) {
		qst->rx_packets++;
		qst->rx_bytes += len;
	}
}

SEC("xdp")
int netif_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct netif_llink_rx *ll = NULL;
	struct netif_frame *fr;
	struct netif_pkt *pkt;
	struct netif_qsel qsel;
	struct netif_stats *st;
	struct netif_match m;
	struct netif_cfg *cfg;
	__u32 zero = 0, flow_id, rl = 0;
	int ret;

	cfg = bpf_map_lookup_elem(&netif_cfg, &zero);
	st = bpf_map_lookup_elem(&netif_stats, &zero);
	fr = bpf_map_lookup_elem(&frame_scratch, &zero);
	if (!cfg || !st || !fr)
		return XDP_PASS;

	if (reinject_requested(ctx, cfg))
		return reinject_tail_call(ctx, st);
	if ((cfg->flags & NETIF_CFG_F_REINJECT_MARKS) && reinjected(data, data_end)) {
		st->reinject_seen++;
		return XDP_PASS;
	}
	st->rx_packets++;
	st->rx_bytes += data_end - data;

	pkt = &fr->pkt;
	fr->clk.coarse = 0;
	fr->clk.precise = 0;
	ret = netif_parse(data, data_end, pkt);
	if (ret == NETIF_PARSE_SHORT_ETH) {
		st->drop_badlen++;
		return verdict_drop(st);
	}
	if (ret != NETIF_PARSE_OK) {
		/* never guess at a broken header: let the host stack judge it */
		st->rx_malformed++;
		return verdict_pass(st);
	}
	if (pkt->nvlans)
		st->rx_vlan++;

	if (cfg->input_bucket && netif_bucket_admit(NETIF_BUCKET_INPUT, pkt->len, &fr->clk)) {
		st->drop_rate_limited++;
		return verdict_drop(st);
	}

	switch (netif_llink_resolve(cfg, st, pkt->vid, NETIF_DIR_IN, &ll)) {
	case NETIF_LLINK_OK:
		break;
	case NETIF_LLINK_PASS:
		return verdict_pass(st);
	default:
		return verdict_drop(st);
	}

	m = netif_flow_lookup(cfg, fr, NETIF_DIR_IN, ll->internal_id);
	if (m.flow) {
		st->flow_found++;
		if (!inbound_mac_ok(cfg, pkt)) {
			/* XNU: a frame not addressed to us is not delivered to a flow */
			st->bad_maddr++;
			m.flow = NULL;
		}
	} else {
		st->flow_not_found++;
	}

	netif_qset_select(st, ll, m.flow ? m.flow->qset_hint : 0, 0, &qsel);
	slots_account(ll->slot, qsel.slot, pkt->len);

	if (m.flow && (m.flow->flags & NETIF_FLOW_F_RATE) &&
	    netif_bucket_admit(NETIF_BUCKET_FLOW_BASE + m.flow->flow_id, pkt->len, &fr->clk))
		rl = 1;
	else if (qsel.policed &&
		 netif_bucket_admit(NETIF_BUCKET_QSET_BASE + qsel.slot, pkt->len, &fr->clk))
		rl = 1;

	flow_id = m.flow ? m.flow->flow_id : NETIF_NO_FLOW;
	if (rl) {
		netif_qset_drop(qsel.slot);
		st->drop_rate_limited++;
		ret = verdict_drop(st);
	} else {
		ret = xdp_act(ctx, cfg, st, m.flow, ll->internal_id);
	}
	if (flow_id != NETIF_NO_FLOW)
		netif_flow_account(flow_id, pkt->len, ret == XDP_DROP, rl);
	return ret;
}

/* Tail-called by netif_xdp for netifd's re-injection runs; see reinject.bpf.h. */
SEC("xdp")
int netif_reinject(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct netif_stats *st = bpf_map_lookup_elem(&netif_stats, &zero);

	if (!st)
		return XDP_DROP;
	return reinject_one(ctx, st);
}
