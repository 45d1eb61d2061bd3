// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Traffic generator: run with BPF_PROG_RUN in live-frames mode on a veth,
 * XDP_TX sends every repetition of the test frame out of that veth, to its
 * peer (which must run an XDP program to accept redirected frames).
 *
 * livegen also attaches this program to a device (lo, or the veth in
 * generic mode) only to hold it in the kernel's XDP dispatcher: a test run
 * of a program the dispatcher does not hold adds and removes it, two RCU
 * grace periods per run (up to 40 ms each on a small VM). Whatever really
 * arrives there passes: only our own frames, from our source MAC on the
 * generator's device, are sent.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "livegen.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 gen_ifindex;

SEC("xdp")
int livegen_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	const struct ethhdr *eth = data;
	const __u8 mac[ETH_ALEN] = LIVEGEN_SRC_MAC;
	int i;

	if (ctx->ingress_ifindex != gen_ifindex || (void *)(eth + 1) > end)
		return XDP_PASS;
	for (i = 0; i < ETH_ALEN; i++)
		if (eth->h_source[i] != mac[i])
			return XDP_PASS;
	return XDP_TX;
}
