/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Is netifd there to take an egress exception? A packet handed to a dead
 * or stuck agent is a packet lost, so without one the egress path fails
 * open: the packet goes on as if no filter or exception flow were
 * installed, counted tx_exc_agent_down. Two signs of life, both needed:
 * the AF_XDP socket of queue 0 that sends the packet on (the kernel drops
 * it from "xsks" the moment the agent's process exits), and a heartbeat
 * netifd stores every tick, no older than the bound it sets (an agent
 * alive but stopped or wedged). Helpers and map types of Linux 5.10.
 */
#ifndef NETIF_TC_LIVENESS_H
#define NETIF_TC_LIVENESS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "netif_maps.bpf.h"

/* Mapped by netifd (BPF_F_MMAPABLE): a plain store per tick, no syscall. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct netif_liveness);
} agent_alive SEC(".maps");

static __always_inline int netif_agent_alive(struct netif_stats *st)
{
	struct netif_liveness *l;
	__u32 zero = 0;
	__u64 beat;

	if (!bpf_map_lookup_elem(&xsks, &zero))
		goto down;
	l = bpf_map_lookup_elem(&agent_alive, &zero);
	if (!l)
		goto down;
	beat = l->heartbeat_ns;
	if (!beat || bpf_ktime_get_ns() - beat > l->stale_ns)
		goto down;
	return 1;
down:
	st->tx_exc_agent_down++;
	return 0;
}

#endif
