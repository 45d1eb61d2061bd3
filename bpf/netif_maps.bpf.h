/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The maps of one netif instance, declared once and compiled into both the
 * XDP and the TC object. The agent pins them under <pin-root>/<ifname>/ and
 * the second object to load reuses the pins, so both programs see the same
 * tables. Sizes marked "set at load" are overridden by the agent.
 */
#ifndef NETIF_MAPS_BPF_H
#define NETIF_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "netif/maps.h"
#include "netif/stats.h"
#include "netif/params.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_cfg);
} netif_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_info);
} netif_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_stats);
} netif_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_tuple_key);
	__type(value, struct netif_flow);
} flows_tuple SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_ula_key);
	__type(value, struct netif_flow);
} flows_ula SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct netif_etype_key);
	__type(value, struct netif_flow);
} flows_etype SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETIF_MAX_FLOWS_DEF); /* set at load */
	__type(key, __u32);
	__type(value, struct netif_flow_stats);
} flow_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_BUCKET_FLOW_BASE + NETIF_MAX_FLOWS_DEF); /* set at load */
	__type(key, __u32);
	__type(value, struct netif_bucket);
} buckets SEC(".maps");

/*
 * Redirect targets: the value is the bare ifindex. A struct bpf_devmap_val
 * (with room for a program) makes kernels before 5.11 refuse the whole
 * program in generic (compat) mode.
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} redirect_devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_VLAN_IDS);
	__type(key, __u32);
	__type(value, struct netif_llink_rx);
} llink_vlans SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_LLINKS);
	__type(key, __u32);
	__type(value, struct netif_llink);
} llinks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETIF_MAX_QSETS);
	__type(key, __u32);
	__type(value, struct netif_qset);
} qsets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETIF_MAX_LLINKS);
	__type(key, __u32);
	__type(value, struct netif_llink_stats);
} llink_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NETIF_MAX_QSETS);
	__type(key, __u32);
	__type(value, struct netif_qset_stats);
} qset_stats SEC(".maps");

/* AF_XDP sockets of netifd, by RX queue: the exception path up. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, NETIF_MAX_XSK_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

/* Frames netifd is re-injecting, by netif_frame_mark() (compat mode only). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} reinject_marks SEC(".maps");

/* The filter chain's configuration; netifd's only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NETIF_MAX_FILTERS);
	__type(key, __u32);
	__type(value, struct netif_filter_rec);
} filters SEC(".maps");

/* Written only by netifd; lives here so it is pinned with the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct netif_agent_stats);
} agent_stats SEC(".maps");

#endif /* NETIF_MAPS_BPF_H */
