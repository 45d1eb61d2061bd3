/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Egress exceptions: copy the packet into the "exc_ring" ring buffer for
 * netifd and take the original only once the copy is made. A full ring is
 * counted and the packet continues on its way; the path never waits.
 */
#ifndef NETIF_TC_EGRESS_EXC_H
#define NETIF_TC_EGRESS_EXC_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "netif_maps.bpf.h"

/*
 * Locally sent TCP/UDP is still CHECKSUM_PARTIAL here: the kernel finishes
 * the checksum after the egress hook. A copy must say so, or netifd would
 * transmit a frame with a pseudo-header sum in place of its checksum.
 */
struct sk_buff___netif {
	unsigned char *head;
	unsigned char *data;
	__u16 csum_start;
	__u16 csum_offset;
	__u8 ip_summed : 2;
} __attribute__((preserve_access_index));

#define NETIF_CHECKSUM_PARTIAL 3

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

static __always_inline void netif_exc_csum_info(struct __sk_buff *skb, struct netif_exc_hdr *h)
{
	struct sk_buff___netif *kskb = bpf_cast_to_kern_ctx(skb);
	__u64 headroom, start;

	h->csum_partial = 0;
	h->csum_start = 0;
	h->csum_offset = 0;
	if (BPF_CORE_READ_BITFIELD(kskb, ip_summed) != NETIF_CHECKSUM_PARTIAL)
		return;
	headroom = kskb->data - kskb->head;
	start = kskb->csum_start;
	if (start < headroom || start - headroom > NETIF_EXC_MAX_FRAME)
		return;
	h->csum_partial = 1;
	h->csum_start = start - headroom;
	h->csum_offset = kskb->csum_offset;
}

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
	netif_exc_csum_info(skb, &s->hdr);
	if (bpf_skb_load_bytes(skb, 0, s->data, len) < 0) {
		st->tx_malformed++;
		return TC_ACT_OK;
	}
	if (bpf_ringbuf_output(&exc_ring, s, sizeof(s->hdr) + len, 0) < 0) {
		st->tx_exc_ring_full++;
		return TC_ACT_OK;
	}
	st->tx_exception++;
	/*
	 * STOLEN, not SHOT: the sender must see a successful transmit. A
	 * dropped skb is an error to TCP, which would not advance snd_nxt and
	 * would then reject the peer's ACK for the copy netifd sent on.
	 */
	return TC_ACT_STOLEN;
}

#endif
