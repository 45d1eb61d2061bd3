// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Peer of the "flows" cases: the least a table-driven dataplane does per
 * frame, one lookup of the frame's 5-tuple in a hash table shaped like
 * netif's IPv4 tuple table (same key and value types, same flags) and one
 * per-CPU count. Behind the same spreading wrapper, over as many entries,
 * it shows what the table's size costs any program on this machine (cache
 * and TLB misses), apart from what netif does besides.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include "netif/maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_tuple4_key);
	__type(value, struct netif_flow);
} peer_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} peer_hits SEC(".maps");

SEC("xdp")
int htab_peer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct netif_tuple4_key k = {};
	__u32 zero = 0;
	__u64 *n;

	if ((void *)(udp + 1) > data_end)
		return XDP_ABORTED;
	k.src = ip->saddr;
	k.dst = ip->daddr;
	k.sport = udp->source;
	k.dport = udp->dest;
	k.proto = ip->protocol;
	k.mask = 0xf;
	if (!bpf_map_lookup_elem(&peer_table, &k))
		return XDP_PASS;
	n = bpf_map_lookup_elem(&peer_hits, &zero);
	if (n)
		(*n)++;
	return XDP_DROP;
}
