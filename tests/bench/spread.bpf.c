// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Spreads BPF_PROG_RUN's repetitions of one IPv4 UDP frame over nflows
 * flows, then tail-calls the program under test (next[0]). Repetition i
 * becomes flow j = (i * SPREAD_STRIDE) mod nflows, written into the frame
 * as bench_prog_run installs flow j: source 198.18.0.0 + (j mod 2^17),
 * source port 1024 + j / 2^17. The stride is a prime far above any flow
 * count, so consecutive frames land on unrelated flows (and flow ids): the
 * table's size shows as cache misses, as it would on real traffic. The
 * same wrapper in front of XDP_DROP is the floor these cases are read
 * against.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SPREAD_STRIDE 2654435761ULL

const volatile __u32 nflows = 1;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} next SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seq SEC(".maps");

SEC("xdp")
int spread(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u32 zero = 0, j;
	__u64 *s;

	if ((void *)(udp + 1) > data_end)
		return XDP_ABORTED;
	s = bpf_map_lookup_elem(&seq, &zero);
	if (!s)
		return XDP_ABORTED;
	j = (*s)++ * SPREAD_STRIDE % nflows;
	ip->saddr = bpf_htonl(0xc6120000U + (j & 0x1ffff));
	udp->source = bpf_htons(1024 + (j >> 17));
	bpf_tail_call(ctx, &next, 0);
	return XDP_ABORTED;
}
