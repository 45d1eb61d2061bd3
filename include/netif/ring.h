/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared-memory rings of a channel (client port or external filter): one
 * memfd mapped by netifd and the client, holding a header, an RX ring
 * (netifd produces, client consumes) and a TX ring (client produces, netifd
 * consumes). Single producer, single consumer; head and tail live on their
 * own cache lines and are published with release stores and read with
 * acquire loads. Two eventfds signal "RX has frames" and "TX has frames".
 */
#ifndef NETIF_RING_H
#define NETIF_RING_H

#include <linux/types.h>

#define NETIF_RING_MAGIC 0x4e495247 /* "NIRG" */
#define NETIF_RING_VERSION 1

struct netif_ring {
	__u32 head;        /* next slot the producer fills */
	__u32 pad0[15];
	__u32 tail;        /* next slot the consumer reads */
	__u32 pad1[15];
	__u32 slots;       /* power of two */
	__u32 slot_size;   /* bytes per slot, header included */
	__u64 offset;      /* of slot 0, from the start of the region */
	__u32 pad2[12];
};

enum netif_verdict {
	NETIF_VERDICT_PASS = 0,
	NETIF_VERDICT_DROP = 1,
};

/*
 * One slot. For filter channels the filter sends each frame back in its TX
 * ring with the header unchanged but for verdict (and len/data when it
 * rewrites the frame): the header carries all the state netifd needs to
 * resume the chain.
 */
struct netif_slot {
	__u32 len;         /* frame length */
	__u32 flow_id;     /* NETIF_NO_FLOW when none */
	__u64 cookie;      /* filter channels: chain state, echo back */
	__u64 tstamp_ns;   /* CLOCK_REALTIME when netifd took the frame */
	__u16 llink;       /* internal llink id */
	__u8 reason;       /* enum netif_exc_reason */
	__u8 dir;          /* 0: received, 1: transmitted */
	__u8 verdict;      /* filter answer: enum netif_verdict */
	__u8 action;       /* disposition after the chain */
	__u8 port;
	__u8 pad;
	__u8 data[];
};

struct netif_chan_region {
	__u32 magic;
	__u32 version;
	__u32 port;        /* client port, 0 for a filter channel */
	__u32 buf_size;    /* largest frame a slot holds */
	__u8 mac[6];       /* the netif's address, for building frames */
	__u16 pad;
	__u32 mtu;
	__u32 pad1[9];
	struct netif_ring rx;
	struct netif_ring tx;
};

static inline __u32 netif_slot_size(__u32 buf_size)
{
	return (sizeof(struct netif_slot) + buf_size + 63) & ~63U;
}

#endif
