/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Egress exceptions: copy the packet into the "exc_ring" ring buffer for
 * netifd and take the original only once the copy is made. A full ring is
 * counted and the packet continues on its way; the path never waits.
 *
 * Locally sent TCP/UDP is still CHECKSUM_PARTIAL here (the kernel finishes
 * the checksum after this hook), and netifd must finish it before it sends
 * the copy on. Where the kfunc bpf_cast_to_kern_ctx exists (6.2) the record
 * says where the sum starts, read from the skb; before, it says "unknown"
 * and netifd recognises an unfinished sum from the headers (csum.c).
 */
#ifndef NETIF_TC_EGRESS_EXC_H
#define NETIF_TC_EGRESS_EXC_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "netif_maps.bpf.h"

struct sk_buff___netif {
	unsigned char *head;
	unsigned char *data;
	__u16 csum_start;
	__u16 csum_offset;
	__u8 ip_summed : 2;
} __attribute__((preserve_access_index));

#define NETIF_CHECKSUM_PARTIAL 3

/*
 * Weak: libbpf 1.1 leaves an unresolved weak kfunc as a call the 6.1 and
 * 5.10 verifiers accept in dead code, and netif_kern_ctx (set at load from
 * netifd's BTF probe) makes the code dead where the kfunc is missing.
 */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;
const volatile __u8 netif_kern_ctx = 0;

static __always_inline void netif_exc_csum_info(struct __sk_buff *skb, struct netif_exc_hdr *h)
{
	struct sk_buff___netif *kskb;
	__u64 headroom, start;

	h->csum_start = 0;
	h->csum_offset = 0;
	if (!netif_kern_ctx) {
		h->csum = NETIF_EXC_CSUM_UNKNOWN;
		return;
	}
	h->csum = NETIF_EXC_CSUM_DONE;
	kskb = bpf_cast_to_kern_ctx(skb);
	if (BPF_CORE_READ_BITFIELD(kskb, ip_summed) != NETIF_CHECKSUM_PARTIAL)
		return;
	headroom = kskb->data - kskb->head;
	start = kskb->csum_start;
	if (start < headroom || start - headroom > NETIF_EXC_MAX_FRAME) {
		/* not where we can finish it: let netifd judge the frame */
		h->csum = NETIF_EXC_CSUM_UNKNOWN;
		return;
	}
	h->csum = NETIF_EXC_CSUM_PARTIAL;
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
	/* "<" a real minimum: verifiers before 6.8 learn no bound from "!= 0" */
	if (len < ETH_HLEN) {
		st->tx_malformed++;
		return TC_ACT_OK;
	}
	if (len > NETIF_EXC_MAX_FRAME) {
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
