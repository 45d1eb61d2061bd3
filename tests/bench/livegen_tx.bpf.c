// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Traffic generator: run with BPF_PROG_RUN in live-frames mode on a veth,
 * XDP_TX sends every repetition of the test frame out of that veth, to its
 * peer (which must run an XDP program to accept redirected frames).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int livegen_tx(struct xdp_md *ctx)
{
	return XDP_TX;
}
