// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "netif/params.h"
#include "bucket.h"
#include "units.h"

/*
 * The cost of a byte in ns, 8e9 / rate, as mult / 2^shift with the largest
 * shift that keeps mult below 2^48: a 64 KiB frame times mult stays below
 * 2^64, and mult keeps at least 47 significant bits (relative error < 1e-14).
 */
void bucket_cost_fixed_point(uint64_t rate, __u64 *mult, __u8 *shift)
{
	unsigned __int128 m = 0;
	int s;

	for (s = 63; s > 0; s--) {
		m = (((unsigned __int128)8000000000ULL << s) + rate / 2) / rate;
		if (m < (1ULL << 48))
			break;
	}
	*mult = (uint64_t)m;
	*shift = s;
}

/*
 * How far the coarse clock (the fast path's cheap one) may lag
 * CLOCK_MONOTONIC: four of its ticks (measured here: up to two, 8 ms at
 * HZ=250, on a busy VM); 20 ms when the kernel does not say. A larger
 * slack costs nothing under the rate; near the limit it only means the
 * precise clock decides.
 */
uint32_t bucket_clock_slack_ns(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) || res.tv_sec || !res.tv_nsec ||
	    res.tv_nsec > 5000000)
		return 20000000;
	return 4 * (uint32_t)res.tv_nsec;
}

/*
 * XNU's default depth, one second of rate, kept within what a given burst
 * may be: the user asked for nothing out of range, so the default is
 * clamped (at 100 Gbit/s one second is 12.5 GB, above the 4 GiB maximum),
 * never refused. It cannot last more than an hour: the minimum, 64 bytes,
 * takes 64 s at the lowest rate.
 */
static uint64_t default_burst(uint64_t rate)
{
	uint64_t burst = rate / 8;

	if (burst > NETIF_BURST_MAX)
		return NETIF_BURST_MAX;
	return burst < NETIF_BURST_MIN ? NETIF_BURST_MIN : burst;
}

int bucket_params(uint64_t rate, uint64_t burst, const char *what, struct netif_bucket *b,
		  struct netif_extack *ext)
{
	char r1[32], r2[32];
	unsigned __int128 depth;

	memset(b, 0, sizeof(*b));
	if (rate == 0) {
		if (burst) {
			netif_extack_set(ext, "%s burst given without a rate", what);
			return -EINVAL;
		}
		return 0;
	}
	if (rate < NETIF_RATE_MIN || rate > NETIF_RATE_MAX) {
		netif_extack_set(ext, "%s rate %s out of range [%s, %s]", what,
				 netif_fmt_rate(rate, r1, sizeof(r1)),
				 netif_fmt_rate(NETIF_RATE_MIN, r2, sizeof(r2)), "400Gbit");
		return -EINVAL;
	}
	if (!burst)
		burst = default_burst(rate);
	if (burst < NETIF_BURST_MIN || burst > NETIF_BURST_MAX) {
		netif_extack_set(ext, "%s burst %s out of range [64b, 4Gb]", what,
				 netif_fmt_size(burst, r1, sizeof(r1)));
		return -EINVAL;
	}
	depth = (unsigned __int128)burst * 8 * 1000000000ULL / rate;
	if (depth > NETIF_BURST_MAX_NS) {
		netif_extack_set(ext, "%s burst %s lasts more than an hour at %s", what,
				 netif_fmt_size(burst, r1, sizeof(r1)),
				 netif_fmt_rate(rate, r2, sizeof(r2)));
		return -EINVAL;
	}
	b->rate = rate;
	b->burst = burst;
	b->depth_ns = (uint64_t)depth;
	bucket_cost_fixed_point(rate, &b->mult, &b->shift);
	b->slack_ns = bucket_clock_slack_ns();
	if ((uint64_t)b->slack_ns * 100 > b->depth_ns)
		b->flags |= NETIF_BUCKET_F_PRECISE_REFILL;
	return 0;
}

int bucket_write(struct dataplane *dp, uint32_t idx, const struct netif_bucket *b)
{
	struct netif_bucket v = *b;

	v.tat_ns = 0; /* the fast path starts a fresh bucket full */
	return bpf_map_update_elem(dp->map_fd[DP_BUCKETS], &idx, &v, BPF_ANY) ? -errno : 0;
}

int bucket_read(struct dataplane *dp, uint32_t idx, struct netif_bucket *b)
{
	return bpf_map_lookup_elem(dp->map_fd[DP_BUCKETS], &idx, b) ? -errno : 0;
}
