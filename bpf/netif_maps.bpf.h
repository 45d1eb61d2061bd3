/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The maps of one netif instance, declared once and compiled into both the
 * XDP and the TC object. The agent pins them under <pin-root>/<ifname>/ and
 * the second object to load reuses the pins, so both programs see the same
 * tables. Sizes marked "set at load" are overridden by the agent.
 */
#ifndef NETIF_MAPS_BPF_H
#define NETIF_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "netif/maps.h"
#include "netif/stats.h"
#include "netif/params.h"
#include "netif/parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_cfg);
} netif_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_info);
} netif_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_stats);
} netif_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_tuple4_key);
	__type(value, struct netif_flow);
} flows_tuple4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_tuple6_key);
	__type(value, struct netif_flow);
} flows_tuple6 SEC(".maps");

/* Single-port flows by port (maps.h, NETIF_PORT_INDEX): 1 + their entry in port_flows. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_PORT_INDEX_ENTRIES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct netif_port_entry);
} port_index SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_PORT_FLOWS);
	__type(key, __u32);
	__type(value, struct netif_flow);
} port_flows SEC(".maps");

/* Which masks a packet's field values can match (struct netif_tuple_filter). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_TUPLE_SLOTS * NETIF_TUPLE_FILTER_SIZE);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct netif_tuple_filter);
} tuple_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_ula_key);
	__type(value, struct netif_flow);
} flows_ula SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_etype_key);
	__type(value, struct netif_flow);
} flows_etype SEC(".maps");

/* Flow table size (netifd's max-flows), fixed at load: the stride of flow_stats. */
const volatile __u32 netif_max_flows = NETIF_MAX_FLOWS_DEF;

/*
 * Per-CPU flow counters as one plain array, key cpu * max-flows + flow id
 * (NETIF_FLOW_STATS_KEY): a per-CPU array map allocates every entry
 * separately, 80-140 ms for the default 65536 flows at attach; this is one
 * allocation. The CPUs' halves never share a cache line.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load: CPUs x max-flows */
	__type(key, __u32);
	__type(value, struct netif_flow_stats);
} flow_stats SEC(".maps");

static __always_inline struct netif_flow_stats *flow_stats_of(__u32 flow_id)
{
	__u32 key = NETIF_FLOW_STATS_KEY(bpf_get_smp_processor_id(), netif_max_flows, flow_id);

	return bpf_map_lookup_elem(&flow_stats, &key);
}

/* A flow's counters, once per packet: what it matched and what became of it. */
static __always_inline void netif_flow_account(__u32 flow_id, __u32 len, int dropped,
					       __u32 rate_limited)
{
	struct netif_flow_stats *fst = flow_stats_of(flow_id);

	if (!fst)
		return;
	fst->packets++;
	fst->bytes += len;
	if (dropped) {
		fst->drops++;
		fst->rate_limited += rate_limited;
	}
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_BUCKET_FLOW_BASE + NETIF_MAX_FLOWS_DEF); /* set at load */
	__type(key, __u32);
	__type(value, struct netif_bucket);
} buckets SEC(".maps");

/*
 * Redirect targets: the value is the bare ifindex. A struct bpf_devmap_val
 * (with room for a program) makes kernels before 5.11 refuse the whole
 * program in generic (compat) mode.
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} redirect_devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_VLAN_IDS);
	__type(key, __u32);
	__type(value, struct netif_llink_rx);
} llink_vlans SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_LLINKS);
	__type(key, __u32);
	__type(value, struct netif_llink);
} llinks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_QSETS);
	__type(key, __u32);
	__type(value, struct netif_qset);
} qsets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETIF_MAX_LLINKS);
	__type(key, __u32);
	__type(value, struct netif_llink_stats);
} llink_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETIF_MAX_QSETS);
	__type(key, __u32);
	__type(value, struct netif_qset_stats);
} qset_stats SEC(".maps");

/* A packet the qset's (or its flow's) bucket refused. */
static __always_inline void netif_qset_drop(__u32 slot)
{
	struct netif_qset_stats *qst = bpf_map_lookup_elem(&qset_stats, &slot);

	if (qst)
		qst->drops++;
}

/* AF_XDP sockets of netifd, by RX queue: the exception path up. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, NETIF_MAX_XSK_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

/* Frames netifd is re-injecting, by netif_frame_mark() (compat mode only). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} reinject_marks SEC(".maps");

/* The filter chain's configuration; netifd's only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_MAX_FILTERS);
	__type(key, __u32);
	__type(value, struct netif_filter_rec);
} filters SEC(".maps");

/* The clock readings of the frame being handled, taken at most once each (bucket.bpf.h). */
struct netif_clock {
	__u64 coarse;
	__u64 precise;
};

/* The frame being handled: its parsed headers, clock readings and flow. */
struct netif_frame {
	struct netif_pkt pkt;
	struct netif_clock clk;
	struct netif_flow flow; /* a copy of the flow that matched (flow_lookup.bpf.h) */
};

/*
 * The frame being handled, per CPU and per program (never pinned: each
 * object has its own). Kept in a map rather than on the stack for the
 * verifier's sake: it sees the fields of a map value as unknown numbers,
 * so the many ways through the parser (VLAN tags, IP options, extension
 * headers, L4 protocols) and through the buckets (which clock was read)
 * converge into one state, and the rest of the program is verified once
 * rather than once per way. XDP and TC never nest on a CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_frame);
} frame_scratch SEC(".maps");

/* Written only by netifd; lives here so it is pinned with the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_agent_stats);
} agent_stats SEC(".maps");

#endif /* NETIF_MAPS_BPF_H */
