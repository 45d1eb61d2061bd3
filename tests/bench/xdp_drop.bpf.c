// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Floor for the benchmarks: drop every frame and count it in a per-CPU
 * counter, the least any dataplane that reports what it did can do.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drop_count SEC(".maps");

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&drop_count, &zero);

	if (n)
		(*n)++;
	return XDP_DROP;
}
