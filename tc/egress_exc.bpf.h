/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Egress exceptions: copy the packet into the "exc_ring" ring buffer for
 * netifd and take the original only once the copy is made (or let it go on
 * when the filters only observe). A full ring is counted and the packet
 * continues on its way; the path never waits. GSO packets are copied
 * whole, with their segment size: netifd splits them as the stack would.
 *
 * Locally sent TCP/UDP is still CHECKSUM_PARTIAL here (the kernel finishes
 * the checksum after this hook), and netifd must finish it before it sends
 * the copy on. Where the kfunc bpf_cast_to_kern_ctx exists (6.2) the record
 * says where the sum starts, read from the skb; before, it says "unknown"
 * and netifd recognises an unfinished sum from the headers (csum.c).
 *
 * Lengths are bounded with "<" a real minimum (ETH_HLEN) before
 * bpf_skb_load_bytes: verifiers before 6.8 learn no bound from "!= 0".
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
 * Two objects are built from this source (Makefile): netif_tc with the
 * kfunc, and netif_tc_nokctx (NETIF_NO_KERN_CTX) without any reference to
 * it, which netifd loads where vmlinux lacks it (dp_tc_open). A weak
 * extern alone is not enough: where vmlinux lacks the kfunc, libbpf 1.1
 * goes on to list the module BTFs, which needs CAP_SYS_ADMIN, and netifd
 * no longer has it then (privs.c). netif_kern_ctx (set at load from
 * netifd's BTF probe) is in both, so their read-only data are the same.
 */
const volatile __u8 netif_kern_ctx = 0;
#ifndef NETIF_NO_KERN_CTX
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;
#endif

#ifndef NETIF_NO_KERN_CTX
/* Where the kernel will finish the sum (CHECKSUM_PARTIAL), read from the skb. */
static __always_inline void netif_exc_csum_skb(struct __sk_buff *skb, struct netif_exc_hdr *h)
{
	struct sk_buff___netif *kskb;
	__u64 headroom, start;

	h->csum = NETIF_EXC_CSUM_DONE;
	kskb = bpf_cast_to_kern_ctx(skb);
	if (BPF_CORE_READ_BITFIELD(kskb, ip_summed) != NETIF_CHECKSUM_PARTIAL)
		return;
	headroom = kskb->data - kskb->head;
	start = kskb->csum_start;
	if (start < headroom || start - headroom > 0xffff) {
		/* not where we can finish it: let netifd judge the frame */
		h->csum = NETIF_EXC_CSUM_UNKNOWN;
		return;
	}
	h->csum = NETIF_EXC_CSUM_PARTIAL;
	h->csum_start = start - headroom;
	h->csum_offset = kskb->csum_offset;
}
#endif

static __always_inline void netif_exc_csum_info(struct __sk_buff *skb, struct netif_exc_hdr *h)
{
	h->csum_start = 0;
	h->csum_offset = 0;
	h->csum = NETIF_EXC_CSUM_UNKNOWN;
#ifndef NETIF_NO_KERN_CTX
	if (netif_kern_ctx)
		netif_exc_csum_skb(skb, h);
#endif
}

struct netif_exc_scratch {
	struct netif_exc_hdr hdr;
	__u8 data[NETIF_EXC_SCRATCH_FRAME];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NETIF_EXC_RING_SIZE);
} exc_ring SEC(".maps");

/*
 * Staging area of copies up to NETIF_EXC_SCRATCH_FRAME: ring records need
 * a constant size to be reserved, so small copies are staged here and
 * written with their exact size. (A per-CPU value is limited to 32 KiB.)
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_exc_scratch);
} exc_scratch SEC(".maps");

static __always_inline void netif_exc_hdr_fill(struct __sk_buff *skb, struct netif_exc_hdr *h,
					       __u32 len, __u8 reason, __u32 flow_id, __u16 llink,
					       __u8 flags)
{
	h->len = len;
	h->flow_id = flow_id;
	h->llink = llink;
	h->reason = reason;
	h->ifindex = skb->ifindex;
	/* non-zero only for GSO packets (__sk_buff fields since 5.7) */
	h->gso_size = skb->gso_size;
	h->flags = flags;
	h->pad = 0;
	netif_exc_csum_info(skb, h);
}

/*
 * A GSO packet larger than the staging buffer, copied straight into a ring
 * record of constant size SIZE (the record's header says how much of it
 * is packet). 0: copied; -1: no room in the ring; -2: the copy failed.
 */
static __always_inline int netif_exc_copy_big(struct __sk_buff *skb, __u64 len, __u32 size,
					      __u8 reason, __u32 flow_id, __u16 llink, __u8 flags)
{
	struct netif_exc_hdr *h;
	__u64 n = len;

	h = bpf_ringbuf_reserve(&exc_ring, sizeof(*h) + size, 0);
	if (!h)
		return -1;
	/*
	 * The caller bounded len, but the compiler drops a check it can prove
	 * and may pass a spilled copy the check did not bound (verifiers
	 * before 6.5 do not carry bounds to a spilled copy): check a fresh
	 * value right before the helper.
	 */
	barrier_var(n);
	if (n > size || n < ETH_HLEN ||
	    bpf_skb_load_bytes(skb, 0, (void *)(h + 1), n) < 0) {
		bpf_ringbuf_discard(h, 0);
		return -2;
	}
	netif_exc_hdr_fill(skb, h, len, reason, flow_id, llink, flags);
	bpf_ringbuf_submit(h, 0);
	return 0;
}

/*
 * Copy the packet up. Stolen (TC_ACT_STOLEN) when the chain may drop or
 * rewrite it: netifd sends on what passes. Mirrored (TC_ACT_OK after the
 * copy) when the chain only observes: the original goes on through the
 * rest of the program and the qdiscs untouched. When no copy can be made
 * the packet goes on (TC_ACT_OK), counted.
 */
static __always_inline int netif_egress_exception(struct __sk_buff *skb, const struct netif_cfg *cfg,
						  struct netif_stats *st, __u8 reason,
						  __u32 flow_id, __u16 llink)
{
	__u8 flags = (cfg->flags & NETIF_CFG_F_EXC_MIRROR) ? NETIF_EXC_F_MIRROR : 0;
	int verdict = flags ? TC_ACT_OK : TC_ACT_STOLEN;
	struct netif_exc_scratch *s;
	__u32 zero = 0;
	__u64 len = skb->len, n;
	int err;

	if (len < ETH_HLEN) {
		st->tx_malformed++;
		return TC_ACT_OK;
	}
	if (len > NETIF_EXC_MAX_FRAME) {
		st->tx_exc_too_big++;
		return TC_ACT_OK;
	}
	if (len > NETIF_EXC_SCRATCH_FRAME) {
		if (len > NETIF_EXC_MAX_FRAME / 2)
			err = netif_exc_copy_big(skb, len, NETIF_EXC_MAX_FRAME, reason, flow_id,
						 llink, flags);
		else
			err = netif_exc_copy_big(skb, len, NETIF_EXC_MAX_FRAME / 2, reason, flow_id,
						 llink, flags);
		if (err == -1) {
			st->tx_exc_ring_full++;
			return TC_ACT_OK;
		}
		if (err) {
			st->tx_malformed++;
			return TC_ACT_OK;
		}
		st->tx_exception++;
		return verdict;
	}
	s = bpf_map_lookup_elem(&exc_scratch, &zero);
	if (!s)
		return TC_ACT_OK;
	netif_exc_hdr_fill(skb, &s->hdr, len, reason, flow_id, llink, flags);
	/* as in netif_exc_copy_big: the bounds of the value the helpers get */
	n = len;
	barrier_var(n);
	if (n > NETIF_EXC_SCRATCH_FRAME || n < ETH_HLEN ||
	    bpf_skb_load_bytes(skb, 0, s->data, n) < 0) {
		st->tx_malformed++;
		return TC_ACT_OK;
	}
	if (bpf_ringbuf_output(&exc_ring, s, sizeof(s->hdr) + n, 0) < 0) {
		st->tx_exc_ring_full++;
		return TC_ACT_OK;
	}
	st->tx_exception++;
	/*
	 * STOLEN, not SHOT: the sender must see a successful transmit. A
	 * dropped skb is an error to TCP, which would not advance snd_nxt and
	 * would then reject the peer's ACK for the copy netifd sent on.
	 */
	return verdict;
}

#endif
