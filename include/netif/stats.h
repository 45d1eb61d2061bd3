/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one list of netif counters, shared by the BPF programs (which bump
 * struct members by name) and userspace (which walks the struct as an array
 * of __u64 and prints the names). Adding a counter here is the only step
 * needed for it to appear in `netifctl stats show` and in bpftool dumps.
 */
#ifndef NETIF_STATS_H
#define NETIF_STATS_H

#include <linux/types.h>

#define NETIF_STATS_LIST(X)                                                    \
	/* ingress (XDP) */                                                    \
	X(rx_packets)                                                          \
	X(rx_bytes)                                                            \
	X(rx_malformed)                                                        \
	X(rx_vlan)                                                             \
	X(flow_found)                                                          \
	X(flow_not_found)                                                      \
	X(bad_maddr)                                                           \
	X(pass)                                                                \
	X(redirect)                                                            \
	X(drop)                                                                \
	X(drop_badlen)                                                         \
	X(drop_policy)                                                         \
	X(drop_redirect)                                                       \
	X(drop_rate_limited)                                                   \
	/* logical links and queue sets */                                     \
	X(llink_unknown_vlan)                                                  \
	X(llink_rx_drop_bad_state)                                             \
	X(llink_tx_drop_bad_state)                                             \
	X(def_qset_used)                                                       \
	X(nondef_qset_used)                                                    \
	X(qset_hint_not_useful)                                                \
	/* exception path */                                                   \
	X(exception)                                                           \
	X(exc_port)                                                            \
	X(exc_filter)                                                          \
	X(exc_no_socket)                                                       \
	X(exc_meta_fail)                                                       \
	X(reinject_seen)                                                       \
	X(reinject_passed)                                                     \
	X(reinject_errors)                                                     \
	/* egress (TC) */                                                      \
	X(tx_packets)                                                          \
	X(tx_bytes)                                                            \
	X(tx_malformed)                                                        \
	X(tx_flow_found)                                                       \
	X(tx_flow_not_found)                                                   \
	X(tx_drop)                                                             \
	X(tx_drop_policy)                                                      \
	X(tx_drop_rate_limited)                                                \
	X(tx_shaped)                                                           \
	X(tx_queue_mapped)                                                     \
	X(tx_exception)                                                        \
	X(tx_exc_ring_full)                                                    \
	X(tx_exc_too_big)                                                      \
	X(tx_exc_agent_down)

/*
 * Control-plane counters kept by netifd in the pinned "agent_stats" map
 * (single writer, survives restarts). Printed after the fast-path list.
 */
#define NETIF_AGENT_STATS_LIST(X)                                              \
	X(flow_add)                                                            \
	X(flow_del)                                                            \
	X(flow_add_fail)                                                       \
	X(llink_add)                                                           \
	X(llink_remove)                                                        \
	X(llink_add_bad_params)                                                \
	X(llink_dup_id)                                                        \
	X(llink_remove_unknown)                                                \
	X(exc_rx)                                                              \
	X(exc_rx_bytes)                                                        \
	X(exc_ring_full)                                                       \
	X(exc_fill_empty)                                                      \
	X(exc_tx)                                                              \
	X(exc_tx_fail)                                                         \
	X(egress_exc_rx)                                                       \
	X(filter_rx)                                                           \
	X(filter_drop)                                                         \
	X(filter_ext_timeout)                                                  \
	X(chan_rx)                                                             \
	X(chan_rx_ring_full)                                                   \
	X(chan_rx_no_client)                                                   \
	X(chan_tx)                                                             \
	X(chan_tx_invalid)                                                     \
	X(reinject_rx)                                                         \
	X(reinject_fail)                                                       \
	X(egress_mirrored)                                                     \
	X(egress_segmented)                                                    \
	X(egress_segments)                                                     \
	X(egress_seg_fail)                                                     \
	X(egress_exc_stale)

#define NETIF_STATS_FIELD(name) __u64 name;

/*
 * Value of the single-entry per-CPU "netif_stats" map. Every member is a
 * __u64 so the struct can be summed as an array by userspace.
 */
struct netif_stats {
	NETIF_STATS_LIST(NETIF_STATS_FIELD)
};

#define NETIF_STATS_COUNT (sizeof(struct netif_stats) / sizeof(__u64))

struct netif_agent_stats {
	NETIF_AGENT_STATS_LIST(NETIF_STATS_FIELD)
};

#define NETIF_AGENT_STATS_COUNT (sizeof(struct netif_agent_stats) / sizeof(__u64))

#endif /* NETIF_STATS_H */
