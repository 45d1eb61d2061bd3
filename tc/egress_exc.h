/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Egress exceptions: copy the packet into the "exc_ring" ring buffer for
 * netifd and drop the original only once the copy is made. A full ring is
 * counted and the packet continues on its way; the path never waits.
 */
#ifndef NETIF_TC_EGRESS_EXC_H
#define NETIF_TC_EGRESS_EXC_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "netif_maps.bpf.h"

struct netif_exc_scratch {
	struct netif_exc_hdr hdr;
	__u8 data[NETIF_EXC_MAX_FRAME];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NETIF_EXC_RING_SIZE);
} exc_ring SEC(".maps");

/* Staging area: ring records need a bounded length, the skb copy a buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_exc_scratch);
} exc_scratch SEC(".maps");

static __always_inline int netif_egress_exception(struct __sk_buff *skb, struct netif_stats *st,
						  __u8 reason, __u32 flow_id, __u16 llink)
{
	struct netif_exc_scratch *s;
	__u32 zero = 0;
	__u64 len = skb->len;

	s = bpf_map_lookup_elem(&exc_scratch, &zero);
	if (!s)
		return TC_ACT_OK;
	if (len == 0 || len > NETIF_EXC_MAX_FRAME) {
		st->tx_exc_too_big++;
		return TC_ACT_OK;
	}
	s->hdr.len = len;
	s->hdr.flow_id = flow_id;
	s->hdr.llink = llink;
	s->hdr.reason = reason;
	s->hdr.ifindex = skb->ifindex;
	if (bpf_skb_load_bytes(skb, 0, s->data, len) < 0) {
		st->tx_malformed++;
		return TC_ACT_OK;
	}
	if (bpf_ringbuf_output(&exc_ring, s, sizeof(s->hdr) + len, 0) < 0) {
		st->tx_exc_ring_full++;
		return TC_ACT_OK;
	}
	st->tx_exception++;
	return TC_ACT_SHOT;
}

#endif
