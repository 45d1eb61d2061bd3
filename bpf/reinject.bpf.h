/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Re-injection, for netif_xdp: when netifd runs the program through
 * BPF_PROG_RUN live frames with a netif_reinject_meta in front of the test
 * frame, netif_xdp tail-calls netif_reinject, which takes one frame from
 * reinject_ring per repetition, reshapes the test frame to it and returns
 * XDP_PASS — the kernel hands it to the host stack as if it had been
 * received on the device.
 *
 * netif_reinject is a program of its own because it needs what old kernels
 * lack (the user ring buffer and its drain callback, dynptrs, the
 * xdp_store_bytes helpers): a 5.10 verifier refuses a callback reference
 * or an unknown map even in dead code. netifd loads it, creates its maps
 * and fills the slot of reinject_progs only when the kernel has them all
 * (features.c); otherwise netif_xdp loads alone and the tail call finds an
 * empty slot.
 */
#ifndef NETIF_BPF_REINJECT_H
#define NETIF_BPF_REINJECT_H

#include <linux/if_ether.h>
#include "netif_maps.bpf.h"

/* Frames netifd queues for re-injection into the host stack. */
struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, NETIF_REINJECT_RING_SIZE);
} reinject_ring SEC(".maps");

/* Staging buffer: a ring record is read into it, then stored into the frame. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_reinject_frame);
} reinject_scratch SEC(".maps");

/* Slot 0: netif_reinject, when this kernel can run it. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} reinject_progs SEC(".maps");

/*
 * Lengths are checked with "<" against a real minimum, not "== 0":
 * verifiers before 6.8 learn no bound from a "!=" branch and would still
 * see a possibly empty copy.
 */
static long reinject_take_one(struct bpf_dynptr *sample, void *ctx)
{
	struct netif_reinject_frame *f;
	__u32 zero = 0, len;

	f = bpf_map_lookup_elem(&reinject_scratch, &zero);
	if (!f)
		return 1;
	f->len = 0;
	if (bpf_dynptr_read(&len, sizeof(len), sample, 0, 0))
		return 1;
	if (len < ETH_HLEN || len > NETIF_REINJECT_MAX_FRAME)
		return 1;
	if (bpf_dynptr_read(f->data, len, sample, sizeof(len), 0))
		return 1;
	f->len = len;
	return 1; /* one record per repetition */
}

/* Is this a re-injection run of netifd (metadata with our cookie)? */
static __always_inline int reinject_requested(struct xdp_md *ctx, const struct netif_cfg *cfg)
{
	struct netif_reinject_meta *m = (void *)(long)ctx->data_meta;

	if ((void *)(m + 1) > (void *)(long)ctx->data)
		return 0;
	return m->magic == NETIF_REINJECT_MAGIC && m->cookie == cfg->reinject_cookie &&
	       cfg->reinject_cookie;
}

static __always_inline int reinject_one(struct xdp_md *ctx, struct netif_stats *st)
{
	struct netif_reinject_frame *f;
	__u32 zero = 0, len;
	int delta;

	/*
	 * No wakeup: netifd never waits for ring space (it flushes when a
	 * reservation fails), and each wakeup is an irq_work IPI, per frame.
	 */
	if (bpf_user_ringbuf_drain(&reinject_ring, reinject_take_one, NULL, BPF_RB_NO_WAKEUP) != 1)
		goto fail;
	f = bpf_map_lookup_elem(&reinject_scratch, &zero);
	if (!f)
		goto fail;
	len = f->len;
	if (len < ETH_HLEN || len > NETIF_REINJECT_MAX_FRAME)
		goto fail;
	/* the stack must not see our marker as the frame's metadata */
	if (bpf_xdp_adjust_meta(ctx, sizeof(struct netif_reinject_meta)))
		goto fail;
	/* the helper, not data_end - data: the verifier forbids arithmetic on pkt_end */
	delta = (int)len - (int)bpf_xdp_get_buff_len(ctx);
	if (bpf_xdp_adjust_tail(ctx, delta))
		goto fail;
	if (bpf_xdp_store_bytes(ctx, 0, f->data, len))
		goto fail;
	st->reinject_passed++;
	return XDP_PASS;
fail:
	st->reinject_errors++;
	return XDP_DROP;
}

/* From netif_xdp: does not return when netif_reinject is loaded. */
static __always_inline int reinject_tail_call(struct xdp_md *ctx, struct netif_stats *st)
{
	bpf_tail_call(ctx, &reinject_progs, 0);
	/* an empty slot: this kernel cannot re-inject, and netifd never asks it to */
	st->reinject_errors++;
	return XDP_DROP;
}

#endif
