// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netif ingress fast path: classify every received frame against the netif
 * flow tables and execute the flow's action, entirely in XDP.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "netif_maps.bpf.h"
#include "parse.h"
#include "flow_lookup.h"
#include "bucket.h"
#include "llink.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Fixed at attach: low-latency netifs apply XNU's stricter MAC rules. */
const volatile __u8 netif_low_latency = 0;

/*
 * Inbound MAC rule: the destination must be our address or a group address;
 * a low-latency netif accepts only its own address.
 */
static __always_inline int inbound_mac_ok(const struct netif_cfg *cfg, const struct ethhdr *eth)
{
	if (mac_is_multicast(eth->h_dest))
		return !netif_low_latency;
	return mac_equal(eth->h_dest, cfg->mac);
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

static __always_inline int default_action(const struct netif_cfg *cfg, struct netif_stats *st)
{
	if (cfg->default_action == NETIF_ACTION_DROP) {
		st->drop_policy++;
		return verdict_drop(st);
	}
	return verdict_pass(st);
}

static __always_inline int flow_action(const struct netif_flow *flow, struct netif_stats *st)
{
	switch (flow->action) {
	case NETIF_ACTION_DROP:
		st->drop_policy++;
		return verdict_drop(st);
	case NETIF_ACTION_REDIRECT:
		if (bpf_redirect_map(&redirect_devs, flow->redirect_ifindex, XDP_DROP) == XDP_REDIRECT) {
			st->redirect++;
			return XDP_REDIRECT;
		}
		st->drop_redirect++;
		return verdict_drop(st);
	default:
		return verdict_pass(st);
	}
}

SEC("xdp")
int netif_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct netif_pkt pkt = {};
	struct netif_flow_stats *fst = NULL;
	struct netif_llink_stats *lst;
	struct netif_qset_stats *qst;
	struct netif_llink_rx *ll = NULL;
	struct netif_qsel qsel;
	struct netif_stats *st;
	struct netif_match m;
	struct netif_cfg *cfg;
	__u32 zero = 0, key;
	int ret;

	cfg = bpf_map_lookup_elem(&netif_cfg, &zero);
	st = bpf_map_lookup_elem(&netif_stats, &zero);
	if (!cfg || !st)
		return XDP_PASS;

	st->rx_packets++;
	st->rx_bytes += data_end - data;

	ret = netif_parse(data, data_end, &pkt);
	if (ret == NETIF_PARSE_SHORT_ETH) {
		st->drop_badlen++;
		return verdict_drop(st);
	}
	if (ret != NETIF_PARSE_OK) {
		/* never guess at a broken header: let the host stack judge it */
		st->rx_malformed++;
		return verdict_pass(st);
	}
	if (pkt.nvlans)
		st->rx_vlan++;

	if (cfg->input_bucket && netif_bucket_admit(NETIF_BUCKET_INPUT, pkt.len)) {
		st->drop_rate_limited++;
		return verdict_drop(st);
	}

	switch (netif_llink_resolve(cfg, st, pkt.vid, &ll)) {
	case NETIF_LLINK_OK:
		break;
	case NETIF_LLINK_PASS:
		return verdict_pass(st);
	default:
		return verdict_drop(st);
	}
	key = ll->slot;
	lst = bpf_map_lookup_elem(&llink_stats, &key);
	if (lst) {
		lst->rx_packets++;
		lst->rx_bytes += pkt.len;
	}

	m = netif_flow_lookup(cfg, &pkt, NETIF_DIR_IN, ll->internal_id);
	if (m.flow) {
		st->flow_found++;
		if (!inbound_mac_ok(cfg, pkt.eth)) {
			/* XNU: a frame not addressed to us is not delivered to a flow */
			st->bad_maddr++;
			m.flow = NULL;
		}
	} else {
		st->flow_not_found++;
	}

	netif_qset_select(st, ll, m.flow ? m.flow->qset_hint : 0, 0, &qsel);
	key = qsel.slot;
	qst = bpf_map_lookup_elem(&qset_stats, &key);
	if (qst) {
		qst->rx_packets++;
		qst->rx_bytes += pkt.len;
	}

	if (m.flow) {
		fst = bpf_map_lookup_elem(&flow_stats, &m.flow->flow_id);
		if (fst) {
			fst->packets++;
			fst->bytes += pkt.len;
		}
		if ((m.flow->flags & NETIF_FLOW_F_RATE) &&
		    netif_bucket_admit(NETIF_BUCKET_FLOW_BASE + m.flow->flow_id, pkt.len))
			goto rate_limited;
	}
	if (qsel.policed && netif_bucket_admit(NETIF_BUCKET_QSET_BASE + qsel.slot, pkt.len))
		goto rate_limited;
	if (!m.flow)
		return default_action(cfg, st);
	return flow_action(m.flow, st);

rate_limited:
	if (fst)
		fst->drops++;
	if (qst)
		qst->drops++;
	st->drop_rate_limited++;
	return verdict_drop(st);
}
