/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Egress exceptions: copy the packet into the "exc_ring" ring buffer for
 * netifd and take the original only once the copy is made. A full ring is
 * counted and the packet continues on its way; the path never waits.
 *
 * Locally sent TCP/UDP is still CHECKSUM_PARTIAL here (the kernel finishes
 * the checksum after this hook). The copy carries the unfinished sum as it
 * is; netifd recognises and finishes it from the headers (csum.c), which
 * needs no kernel internals and so works on every kernel we support.
 */
#ifndef NETIF_TC_EGRESS_EXC_H
#define NETIF_TC_EGRESS_EXC_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
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
	s->hdr.pad = 0;
	s->hdr.ifindex = skb->ifindex;
	s->hdr.reserved = 0;
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
