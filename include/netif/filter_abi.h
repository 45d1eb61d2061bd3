/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Filter chain records (pinned "filters" map). Kept apart from maps.h so
 * code using libpcap (whose headers clash with linux/bpf.h) can include it.
 */
#ifndef NETIF_FILTER_ABI_H
#define NETIF_FILTER_ABI_H

#include <linux/types.h>

/*
 * Built-in filters of the chain, as configured: netifd is the only user,
 * the map is pinned so a restarted agent rebuilds the same chain.
 */
#define NETIF_MAX_FILTERS 16
#define NETIF_FILTER_ARG_MAX 256

enum netif_filter_kind {
	NETIF_FILTER_NONE = 0,
	NETIF_FILTER_PCAP = 1,     /* write every frame to a pcap file */
	NETIF_FILTER_COUNT = 2,    /* count frames and bytes */
	NETIF_FILTER_DROP = 3,     /* drop frames matching a pcap-filter(7) expression */
	NETIF_FILTER_EXTERNAL = 4, /* a filter process behind a channel (not persisted) */
};

#define NETIF_FILTER_DIR_RX 1
#define NETIF_FILTER_DIR_TX 2

struct netif_filter_rec {
	__u32 id;          /* 0: free entry */
	__u8 kind;         /* enum netif_filter_kind */
	__u8 dirs;         /* NETIF_FILTER_DIR_* */
	__u16 pad;
	char arg[NETIF_FILTER_ARG_MAX];
	/* counters as of the agent's last tick: a restarted agent goes on from them */
	__u64 packets;
	__u64 bytes;
	__u64 drops;
	/* pcap: the capture file (st_dev, st_ino) a restarted agent must find again */
	__u64 file_dev;
	__u64 file_ino;
};

#endif
