/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Token bucket policing with XNU's netif_rate_limit semantics (see struct
 * netif_bucket), as a virtual-time bucket (GCRA): no lock, one atomic add
 * per admitted packet, and the coarse clock unless the decision needs more.
 *
 * The state is tat, the time at which the bucket would be full again; the
 * credit at time t is depth - (tat - t). A packet is admitted while
 * tat < t + depth, i.e. while the credit is positive (one packet of
 * overdraft, as XNU), and adds its cost to tat.
 *
 * Clock. bpf_ktime_get_ns() costs ~26 ns on our machines (kvm-clock), more
 * than the rest of the bucket; the coarse clock (last tick) costs ~4 ns and
 * lags the precise one by at most slack_ns (four ticks, set by netifd from
 * clock_getres(); two were measured on a busy VM). With c the coarse time, now in [c, c + slack]:
 *   tat < c + depth          admits for sure (c <= now);
 *   tat >= c + slack + depth refuses for sure (now <= c + slack);
 *   in between               reads the precise clock and decides exactly.
 * Under the rate the bucket holds credit and only the coarse clock is read;
 * the precise one is read by packets near the limit, i.e. when policing
 * actually happens.
 *
 * Accuracy under concurrency. An admitted packet's cost is added with an
 * atomic add, so every admitted byte is charged exactly once, whatever the
 * CPUs interleave: over any window the admitted volume is at most
 * rate x window + depth, plus one packet per CPU that read tat before
 * another CPU's add landed (each such packet is still charged, so the
 * overdraft does not accumulate). The one non-atomic step is refilling a
 * bucket found full (tat < t): tat becomes t + cost with a plain store. A
 * store can hide the adds of other CPUs that raced it within the same few
 * nanoseconds; that forgets at most one packet per racing CPU, and only on
 * a full bucket, i.e. when the traffic was below the rate. Under sustained
 * excess tat stays ahead of the clock, no refill happens, and the rate is
 * exact. A full bucket refilled at the coarse time gains at most slack of
 * credit; where that is more than 1% of the depth netifd sets
 * NETIF_BUCKET_F_PRECISE_REFILL and the refill reads the precise clock.
 * Kernels without the coarse clock helper (5.10) use the precise one.
 */
#ifndef NETIF_BPF_BUCKET_H
#define NETIF_BPF_BUCKET_H

#include "netif_maps.bpf.h"

/*
 * Set at load when the kernel has bpf_ktime_get_coarse_ns() (5.11+); the
 * verifier drops the branch that does not apply. A load-time constant
 * rather than a CO-RE check keeps vmlinux BTF (~12 ms to parse) out of
 * loading netif_xdp.
 */
const volatile __u8 netif_coarse_clock = 0;

enum netif_bucket_verdict {
	NETIF_BUCKET_PASS = 0,
	NETIF_BUCKET_EXCEED = 1,
};

static __always_inline __u64 clock_precise(struct netif_clock *c)
{
	if (!c->precise)
		c->precise = bpf_ktime_get_ns();
	return c->precise;
}

static __always_inline __u64 clock_coarse(struct netif_clock *c)
{
	if (c->precise)
		return c->precise;
	if (!c->coarse) {
		if (netif_coarse_clock)
			c->coarse = bpf_ktime_get_coarse_ns();
		else
			return clock_precise(c);
	}
	return c->coarse;
}

/* Admit (and charge) a packet of len bytes against bucket idx. */
static __always_inline int netif_bucket_admit(__u32 idx, __u32 len, struct netif_clock *clk)
{
	struct netif_bucket *b = bpf_map_lookup_elem(&buckets, &idx);
	__u64 tat, t, cost, depth;

	if (!b || !b->rate)
		return NETIF_BUCKET_PASS;
	/* len < 64 KiB and mult < 2^48 (bucket_params): no overflow */
	cost = ((__u64)len * b->mult) >> (b->shift & 63);
	depth = b->depth_ns;
	tat = *(volatile __u64 *)&b->tat_ns;
	t = clock_coarse(clk);
	if (tat >= t + depth) {
		if (tat >= t + b->slack_ns + depth)
			return NETIF_BUCKET_EXCEED;
		t = clock_precise(clk);
		if (tat >= t + depth)
			return NETIF_BUCKET_EXCEED;
	}
	if (tat < t) {
		/* full: the credit is the depth, whatever time passed */
		if (b->flags & NETIF_BUCKET_F_PRECISE_REFILL)
			t = clock_precise(clk);
		b->tat_ns = t + cost;
		return NETIF_BUCKET_PASS;
	}
	__sync_fetch_and_add(&b->tat_ns, cost);
	return NETIF_BUCKET_PASS;
}

#endif /* NETIF_BPF_BUCKET_H */
