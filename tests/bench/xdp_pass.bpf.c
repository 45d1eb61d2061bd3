// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Does nothing, but being there makes a veth behave as it does under netif
 * (the kernel turns segmentation offloads off on the peer): comparisons
 * with other dataplanes then see the same traffic.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
