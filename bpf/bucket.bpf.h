/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Token bucket policing with XNU's netif_rate_limit semantics (see struct
 * netif_bucket). Buckets are shared by all CPUs, so the refill and the
 * charge happen under the bucket's spin lock; the clock is read and the
 * packet cost computed before taking it (no helper calls under the lock).
 */
#ifndef NETIF_BPF_BUCKET_H
#define NETIF_BPF_BUCKET_H

#include "netif_maps.bpf.h"

#define NSEC_PER_SEC 1000000000ULL

enum netif_bucket_verdict {
	NETIF_BUCKET_PASS = 0,
	NETIF_BUCKET_EXCEED = 1,
};

/*
 * Admit (and charge) a packet of len bytes. Pure arithmetic on an unlocked
 * copy so tests can exercise it; netif_bucket_admit() is the locked user.
 */
static __always_inline int netif_bucket_charge(struct netif_bucket *b, __u64 now, __u64 cost_ns)
{
	__u64 elapsed;
	__s64 tokens;

	if (b->last_ns == 0) {
		/* first packet: start full, as XNU initialises token = depth */
		tokens = b->depth_ns;
	} else {
		elapsed = now > b->last_ns ? now - b->last_ns : 0;
		tokens = b->tokens_ns;
		if (elapsed >= b->depth_ns || tokens + (__s64)elapsed >= (__s64)b->depth_ns)
			tokens = b->depth_ns;
		else
			tokens += elapsed;
	}
	b->last_ns = now;
	if (tokens <= 0) {
		b->tokens_ns = tokens;
		return NETIF_BUCKET_EXCEED;
	}
	b->tokens_ns = tokens - (__s64)cost_ns;
	return NETIF_BUCKET_PASS;
}

static __always_inline int netif_bucket_admit(__u32 idx, __u32 len)
{
	struct netif_bucket *b = bpf_map_lookup_elem(&buckets, &idx);
	__u64 now, rate, cost_ns;
	int verdict;

	if (!b)
		return NETIF_BUCKET_PASS;
	rate = b->rate;
	if (!rate)
		return NETIF_BUCKET_PASS;
	now = bpf_ktime_get_ns();
	/* len * 8 bits at rate bits/s, in ns; len <= 64 KiB keeps this far below 2^64 */
	cost_ns = ((__u64)len * 8 * NSEC_PER_SEC) / rate;

	bpf_spin_lock(&b->lock);
	verdict = netif_bucket_charge(b, now, cost_ns);
	bpf_spin_unlock(&b->lock);
	return verdict;
}

#endif /* NETIF_BPF_BUCKET_H */
