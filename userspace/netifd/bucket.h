/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Token bucket parameters (rate, burst) and their installation in the buckets map. */
#ifndef NETIFD_BUCKET_H
#define NETIFD_BUCKET_H

#include <stdint.h>
#include "dataplane.h"

/*
 * Validate rate (bits/s, 0 = unlimited) and burst (bytes, 0 = default of one
 * second of rate, as XNU) and compute the bucket depth in ns. Pure.
 */
int bucket_params(uint64_t rate, uint64_t burst, const char *what, struct netif_bucket *b,
		  struct netif_extack *ext);
/* The fixed-point cost of a byte at rate (struct netif_bucket mult, shift). */
void bucket_cost_fixed_point(uint64_t rate, __u64 *mult, __u8 *shift);
/* The coarse clock's worst lag behind CLOCK_MONOTONIC (struct netif_bucket slack_ns). */
uint32_t bucket_clock_slack_ns(void);
/* Install b at idx; the credit restarts full. */
int bucket_write(struct dataplane *dp, uint32_t idx, const struct netif_bucket *b);
int bucket_read(struct dataplane *dp, uint32_t idx, struct netif_bucket *b);

#endif
