/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Keys and values of every pinned netif map. Included by the BPF programs and
 * by userspace; this is the only definition. All members are fixed width and
 * padding is explicit so both compilers agree on the layout.
 */
#ifndef NETIF_MAPS_H
#define NETIF_MAPS_H

#include <linux/types.h>
#include <linux/bpf.h>
#include "netif/filter_abi.h"

/*
 * Every pinned map of a netif, declared once: X(id, name, owner). name is
 * the BPF object name and the pin under <pin-root>/<ifname>/ (BPF object
 * names are limited to 15 characters); owner XDP maps are created by the
 * XDP object and reused by the TC object, TC maps exist only in the TC
 * object. The BPF declarations are in bpf/netif_maps.bpf.h and
 * tc/egress_exc.bpf.h; userspace generates its map enum and names here.
 */
#define NETIF_MAPS(X)                                                          \
	X(CFG, netif_cfg, XDP)                                                 \
	X(INFO, netif_info, XDP)                                               \
	X(STATS, netif_stats, XDP)                                             \
	X(TUPLE4, flows_tuple4, XDP)                                           \
	X(TUPLE6, flows_tuple6, XDP)                                           \
	X(TUPLE_FILTER, tuple_filter, XDP)                                     \
	X(PORT_INDEX, port_index, XDP)                                         \
	X(PORT_FLOWS, port_flows, XDP)                                         \
	X(ULA, flows_ula, XDP)                                                 \
	X(ETYPE, flows_etype, XDP)                                             \
	X(FLOW_STATS, flow_stats, XDP)                                         \
	X(BUCKETS, buckets, XDP)                                               \
	X(DEVMAP, redirect_devs, XDP)                                          \
	X(VLANS, llink_vlans, XDP)                                             \
	X(LLINKS, llinks, XDP)                                                 \
	X(QSETS, qsets, XDP)                                                   \
	X(LLINK_STATS, llink_stats, XDP)                                       \
	X(QSET_STATS, qset_stats, XDP)                                         \
	X(AGENT_STATS, agent_stats, XDP)                                       \
	X(XSKS, xsks, XDP)                                                     \
	X(REINJECT_MARKS, reinject_marks, XDP)                                 \
	X(FILTERS, filters, XDP)                                               \
	X(REINJECT_RING, reinject_ring, XDP)                                   \
	X(REINJECT_SCRATCH, reinject_scratch, XDP)                             \
	X(REINJECT_PROGS, reinject_progs, XDP)                                 \
	X(EXC_RING, exc_ring, TC)                                              \
	X(EXC_SCRATCH, exc_scratch, TC)                                        \
	X(AGENT_ALIVE, agent_alive, TC)

#define NETIF_PIN_XDP_LINK "xdp_link"
#define NETIF_PIN_XDP_PROG "xdp_prog"
#define NETIF_PIN_TC_PROG "tc_prog"

enum netif_action {
	NETIF_ACTION_PASS = 0,
	NETIF_ACTION_DROP = 1,
	NETIF_ACTION_REDIRECT = 2,
	NETIF_ACTION_PORT = 3,
	NETIF_ACTION_EXCEPTION = 4,
	NETIF_ACTION__MAX,
};

enum netif_dir {
	NETIF_DIR_IN = 0,
	NETIF_DIR_OUT = 1,
};

enum netif_flow_type {
	NETIF_FLOW_ETHERTYPE = 1,
	NETIF_FLOW_ULA = 2,
	NETIF_FLOW_TUPLE = 3,
};

enum netif_attach_mode {
	NETIF_MODE_AUTO = 0,
	NETIF_MODE_NATIVE = 1,
	NETIF_MODE_COMPAT = 2,
};

/* Ports, numbered as XNU's netif nexus: 0 device, 1 host, clients from 2. */
#define NETIF_PORT_DEV 0
#define NETIF_PORT_HOST 1
#define NETIF_PORT_CLIENT_MIN 2
#define NETIF_PORT_MAX 128 /* exclusive */

/*
 * Tuple flows may leave fields out. Each combination of present fields is a
 * "mask"; a flow is stored with its mask in the key and absent fields zeroed,
 * and the fast path probes one exact-match lookup per candidate mask, most
 * specific first (tuple-space search, bounded by NETIF_TUPLE_MASKS). The
 * precedence of masks ("ranks") is NETIF_TUPLE_RANKS in netif/flow_rules.h.
 */
#define NETIF_TUPLE_M_SRC (1U << 0)
#define NETIF_TUPLE_M_DST (1U << 1)
#define NETIF_TUPLE_M_SPORT (1U << 2)
#define NETIF_TUPLE_M_DPORT (1U << 3)
#define NETIF_TUPLE_M_LLINK (1U << 4)
#define NETIF_TUPLE_MASKS 32

/*
 * Tuple slots: the four (direction, family) pairs each with its own set of
 * masks in use and its own part of the tuple filter.
 */
#define NETIF_TUPLE_SLOTS 4
#define NETIF_TUPLE_SLOT(dir, family) (((dir) & 1) * 2 + ((family) == 6))

/*
 * The tuple filter prunes the masks a packet can match before any probe.
 * For every slot and packet field it holds, per hash bucket of the field's
 * value, the ranks whose masks name that field and have a flow whose value
 * falls in the bucket; for the protocol (which every mask names), at the
 * protocol number, the ranks having a flow of that protocol. A mask can
 * only match when each field it names has the packet's value in its
 * buckets; a false positive costs one probe, never a wrong match. netifd
 * picks per slot which fields the fast path checks (netif_cfg.tuple_fields):
 * none when probing is cheaper, and never a field whose buckets are mostly
 * full (it would prune nothing).
 */
#define NETIF_TUPLE_FILTER_BITS 14
#define NETIF_TUPLE_FILTER_SIZE (1U << NETIF_TUPLE_FILTER_BITS) /* buckets per slot */
#define NETIF_TUPLE_F_PROTO (1U << 5) /* netif_cfg.tuple_fields: the protocol (NETIF_TUPLE_M_* for the rest) */
#define NETIF_TUPLE_FILTER_MIN 2      /* with this many masks or fewer, filter only on at most two fields */

struct netif_tuple_filter {
	__u32 src;   /* rank bitmaps, see above */
	__u32 dst;
	__u32 sport;
	__u32 dport;
	__u32 proto; /* at index = protocol number */
	__u32 pad;   /* 24 bytes: an array entry, exactly, as netifd sees it through mmap */
};

/*
 * Single-port flows: a TCP or UDP tuple flow naming only sport or only
 * dport (unscoped) is also found through an array, as xdp-filter finds its
 * port rules: port_index, at NETIF_PORT_INDEX(slot, dport?, udp?, port),
 * holds 1 + the flow's entry in port_flows (0: none), a copy of its
 * struct netif_flow; four such u16 to an array entry (entry = index / 4).
 * Two array reads instead of a hash probe. The tuple tables stay the
 * source of truth (dumps, restarts); these two maps are derived from them
 * by netifd (userspace/netifd/port_index.c), which writes port_index and
 * tuple_filter through mmap, without a system call per change.
 */
#define NETIF_PORT_FLOWS 65536
#define NETIF_PORT_INDEX_SIZE (NETIF_TUPLE_SLOTS * 2 * 2 * 65536)
#define NETIF_PORT_INDEX_ENTRIES (NETIF_PORT_INDEX_SIZE / 4)

struct netif_port_entry {
	__u16 flow[4]; /* 1 + port_flows entry, for index % 4 */
};

#define NETIF_PORT_INDEX(slot, dport, udp, port) \
	(((((__u32)(slot) * 2 + !!(dport)) * 2 + !!(udp)) << 16) + (__u16)(port))

/* netif_cfg.tables[dir] bits: which non-tuple tables hold flows. */
#define NETIF_TABLE_ETYPE (1U << 0)
#define NETIF_TABLE_ETYPE_SCOPED (1U << 1)
#define NETIF_TABLE_ULA (1U << 2)
#define NETIF_TABLE_ULA_SCOPED (1U << 3)

/* netif_cfg.flags */
#define NETIF_CFG_F_LOW_LATENCY (1U << 0)
#define NETIF_CFG_F_FILTERS (1U << 1) /* a filter chain is installed: everything goes up */
#define NETIF_CFG_F_REINJECT_MARKS (1U << 2) /* compat mode with an exception path: honour marks */
/* egress copies are mirrored: the original goes on, the chain only observes (pcap, count) */
#define NETIF_CFG_F_EXC_MIRROR (1U << 3)

/* Policy for tagged traffic whose VLAN has no llink. */
enum netif_vlan_policy {
	NETIF_VLAN_DEFAULT = 0, /* treat as the default llink */
	NETIF_VLAN_PASS = 1,    /* hand to the host stack unclassified */
	NETIF_VLAN_DROP = 2,
};

/* Value of the single-entry "netif_cfg" array: read by the fast path on every packet. */
struct netif_cfg {
	__u32 ifindex;
	__u8 mac[6];
	__u8 default_action; /* enum netif_action: pass, drop or exception */
	__u8 flags;          /* NETIF_CFG_F_* */
	/* ranks (bit r: mask NETIF_TUPLE_RANKS[r]) in use, by NETIF_TUPLE_SLOT */
	__u32 tuple_ranks[NETIF_TUPLE_SLOTS];
	__u8 tables[2];      /* NETIF_TABLE_* per direction */
	__u8 vlan_policy;    /* enum netif_vlan_policy */
	__u8 pad0;
	__u16 tx_queues;     /* device TX queues, to leave the kernel's choice alone when we have none to make */
	__u16 pad1;
	__u32 input_bucket;  /* non-zero when the input-rate bucket is active */
	__u32 reinject_cookie; /* see struct netif_reinject_meta */
	/* fields of the tuple filter to check, by NETIF_TUPLE_SLOT (NETIF_TUPLE_M_*, _F_PROTO); 0: off */
	__u8 tuple_fields[NETIF_TUPLE_SLOTS];
	/*
	 * By NETIF_TUPLE_SLOT, the mask of the lowest rank in tuple_ranks: the
	 * fast path builds the first key from it while the tuple filter is
	 * still being read (a hint: the rank it probes under is checked).
	 */
	__u8 tuple_first[NETIF_TUPLE_SLOTS];
};

/* Agent-owned description of the attachment, pinned so a restarted agent re-adopts it. */
struct netif_info {
	__u8 uuid[16];
	char ifname[16];
	__u32 ifindex;
	__u8 mode;           /* enum netif_attach_mode actually used */
	__u8 requested_mode; /* as asked at attach */
	__u8 low_latency;
	__u8 tc_flags;       /* NETIF_TC_F_* */
	__u32 rx_slots;
	__u32 tx_slots;
	__u32 buf_size;
	__u32 max_flows;
	__u64 attach_time;   /* CLOCK_REALTIME seconds */
	__u32 mtu;
	__u32 rx_queues;
	__u32 tx_queues;
	__u32 pad;
	__u64 shape_rate;    /* netif egress shaping rate (bits/s), 0 = none */
	__u64 input_rate;    /* ingress policing rate (bits/s), 0 = none */
	__u64 input_burst;   /* bytes */
};

#define NETIF_TC_F_CLSACT_OURS (1U << 0) /* we created clsact and remove it on detach */
#define NETIF_TC_F_HTB_OURS (1U << 1)    /* we created the HTB root and remove it on detach */

/*
 * Tuple keys, one table per family, with the direction in the mask's byte:
 * an IPv4 key is 16 bytes, an IPv6 key 40 (hash and compare cost grows with
 * the key: a hit in a hash map of 44-byte keys costs twice one of 20).
 * Absent fields (mask bit clear) are zero.
 */
struct netif_tuple4_key {
	__be32 src;
	__be32 dst;
	__be16 sport; /* for ICMP: type */
	__be16 dport; /* for ICMP: code */
	__u16 llink;  /* internal llink id when NETIF_TUPLE_M_LLINK */
	__u8 proto;
	__u8 mask : 7; /* NETIF_TUPLE_M_* present in this key */
	__u8 dir : 1;  /* enum netif_dir: bit 7 of the last byte */
};
_Static_assert(sizeof(struct netif_tuple4_key) == 16, "IPv4 tuple key: 16 bytes");

struct netif_tuple6_key {
	__u32 src[4];
	__u32 dst[4];
	__be16 sport;
	__be16 dport;
	__u16 llink;
	__u8 proto;
	__u8 mask : 7;
	__u8 dir : 1;
};
_Static_assert(sizeof(struct netif_tuple6_key) == 40, "IPv6 tuple key: 40 bytes");

/* IPv6 address pair, as XNU's ULA table: local/remote rather than src/dst. */
struct netif_ula_key {
	__u32 local[4];
	__u32 remote[4];
	__u16 llink; /* 0 = any llink */
	__u8 dir;
	__u8 pad;
};

struct netif_etype_key {
	__u16 ethertype; /* host byte order */
	__u16 llink;     /* 0 = any llink */
	__u8 dir;
	__u8 pad[3];
};

#define NETIF_FLOW_F_RATE (1U << 0)  /* flow has a policing bucket */
#define NETIF_FLOW_F_SHAPE (1U << 1) /* egress flow is shaped through an HTB class */
#define NETIF_FLOW_F_TWO_KEYS (1U << 2) /* an address-less tuple flow: a key in each family */

struct netif_flow {
	__u8 uuid[16];
	__u32 flow_id;          /* index into flow_stats and buckets */
	__u8 action;            /* enum netif_action */
	__u8 port;              /* client port for NETIF_ACTION_PORT */
	__u8 flags;             /* NETIF_FLOW_F_* */
	__u8 pad;
	__u32 redirect_ifindex;
	__u32 qset_hint;        /* 0 = none */
	__u32 classid;          /* HTB class (major:minor) when shaped */
	__u64 link_id;          /* user-visible llink id the flow is scoped to */
};

/*
 * Per-CPU per-flow counters in the "flow_stats" array, at
 * NETIF_FLOW_STATS_KEY(cpu, max-flows, flow_id): every frame the flow
 * matched, and of those the ones dropped for any reason (action drop, a
 * token bucket, a failed redirect) and, among the drops, those a token
 * bucket (the flow's or its qset's) refused.
 */
struct netif_flow_stats {
	__u64 packets;
	__u64 bytes;
	__u64 drops;
	__u64 rate_limited;
};
#define NETIF_FLOW_STATS_KEY(cpu, max_flows, flow_id) ((cpu) * (max_flows) + (flow_id))

/*
 * Token bucket with XNU netif_rate_limit semantics: rate in bits/s, depth
 * (burst), refilled by elapsed time, a packet costs len * 8 bits and is
 * admitted while the credit is positive (one packet of overdraft).
 *
 * Kept as a virtual-time (GCRA) bucket so the fast path needs no lock and
 * one atomic add: tat_ns is when the bucket would be full again were no
 * more packets admitted ("theoretical arrival time"); the credit at time t
 * is depth_ns - (tat_ns - t), capped at depth_ns, in nanoseconds of
 * transmission at the rate. A packet is admitted while tat_ns < t +
 * depth_ns and then adds its cost to tat_ns. See bpf/bucket.bpf.h for the
 * clock and the accuracy argument.
 */
struct netif_bucket {
	__u64 tat_ns;   /* CLOCK_MONOTONIC; 0: never charged (full) */
	__u64 rate;     /* bits per second; 0 = unlimited */
	__u64 burst;    /* bytes, as configured */
	__u64 depth_ns; /* burst expressed as time at rate */
	__u64 mult;     /* a frame of len bytes costs (len * mult) >> shift ns */
	__u8 shift;
	__u8 flags;     /* NETIF_BUCKET_F_* */
	__u16 pad;
	__u32 slack_ns; /* how far the coarse clock may lag the precise one */
};

/*
 * Charge a full bucket's first packet at the precise time: set when the
 * coarse clock's lag (slack_ns) is more than 1% of the depth.
 */
#define NETIF_BUCKET_F_PRECISE_REFILL (1U << 0)

/* buckets array layout */
#define NETIF_BUCKET_INPUT 0
#define NETIF_BUCKET_QSET_BASE 1
#define NETIF_MAX_QSETS 256
#define NETIF_BUCKET_FLOW_BASE (NETIF_BUCKET_QSET_BASE + NETIF_MAX_QSETS)

/*
 * Logical links and queue sets. An llink is found on ingress through the
 * VLAN-indexed "llink_vlans" array (index 0: untagged and priority-tagged
 * frames, i.e. the default llink); "llinks" and "qsets" hold the full
 * description, keyed by internal id and qset id.
 */
#define NETIF_VLAN_IDS 4096

/* Logical link / queue set flags, as XNU's */
#define NETIF_LLINK_F_DEFAULT (1U << 0)
#define NETIF_QSET_F_DEFAULT (1U << 0)
#define NETIF_QSET_F_AQM (1U << 1)
#define NETIF_QSET_F_LOW_LATENCY (1U << 2)
#define NETIF_QSET_F_WMM (1U << 3)

enum netif_llink_state {
	NETIF_LLINK_STATE_INIT = 0,
	NETIF_LLINK_STATE_DESTROYED = 1,
};


struct netif_llink_rx {
	__u16 internal_id;       /* 0: no llink on this VLAN */
	__u8 state;              /* enum netif_llink_state */
	__u8 slot;               /* index into llink_stats */
	__u32 default_qset;      /* qset id */
	__u16 default_qset_slot; /* index into qset_stats / buckets */
	__u8 default_qset_policed;
	__u8 pad;
};

struct netif_llink {
	__u64 link_id;
	__u16 internal_id;
	__u16 vlan;              /* 0: none (the default llink owns untagged traffic) */
	__u8 state;
	__u8 slot;
	__u8 nqsets;
	__u8 pad;
	__u32 flags;             /* NETIF_LLINK_F_* */
	__u32 default_qset;
	__u32 qsets[8];          /* NETIF_LLINK_MAX_QSETS */
};

struct netif_qset {
	__u32 id;                /* (internal_id << 16) | index */
	__u32 flags;             /* NETIF_QSET_F_* */
	__u16 n_rx;
	__u16 n_tx;
	__u16 rx_base;           /* first device RX queue */
	__u16 tx_base;           /* first device TX queue */
	__u16 llink;             /* internal id of the owning llink */
	__u16 slot;              /* index into qset_stats; bucket NETIF_BUCKET_QSET_BASE + slot */
	__u8 policed;            /* ingress bucket active */
	__u8 state;
	__u16 pad;
	__u32 classid;           /* HTB class when shaped, 0 otherwise */
	__u64 shape;             /* egress shaping rate, bits/s */
};

struct netif_llink_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
};

struct netif_qset_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 drops;
};

/* Exception reasons carried in metadata and ring-buffer records. */
enum netif_exc_reason {
	NETIF_EXC_NONE = 0,
	NETIF_EXC_FLOW = 1,    /* flow action exception */
	NETIF_EXC_PORT = 2,    /* flow action port N */
	NETIF_EXC_DEFAULT = 3, /* netif default action exception */
	NETIF_EXC_FILTER = 4,  /* filter chain installed */
	NETIF_EXC_EGRESS = 5,  /* TC egress exception */
};

/*
 * Metadata an XDP exception carries in front of the frame (XDP metadata
 * area), so the agent never re-classifies: why the frame came up and what
 * to do with it once the filter chain (if any) has seen it.
 */
struct netif_xdp_meta {
	__u32 flow_id;   /* NETIF_NO_FLOW when no flow matched */
	__u16 llink;     /* internal llink id */
	__u8 reason;     /* enum netif_exc_reason */
	__u8 port;       /* client port when action is NETIF_ACTION_PORT */
	__u8 action;     /* after the chain: NETIF_ACTION_PASS or NETIF_ACTION_PORT */
	__u8 pad[3];
	__u32 magic;     /* NETIF_XDP_META_MAGIC: tells metadata from garbage */
};
#define NETIF_XDP_META_MAGIC 0x4e494631 /* "NIF1" */
#define NETIF_NO_FLOW 0xffffffffU

#define NETIF_MAX_XSK_QUEUES 64

/* Largest frame netifd can re-inject (one page-pool page of BPF_PROG_RUN). */
#define NETIF_REINJECT_MAX_FRAME 2048
#define NETIF_REINJECT_RING_SIZE (1U << 22)

/*
 * Re-injection runs netif_xdp itself through BPF_PROG_RUN (live frames):
 * the program is already in the kernel's XDP dispatcher, so the run does
 * not re-point it (which would cost an RCU grace period per call). This
 * metadata in front of the test frame tells the program to take a frame
 * from its reinject_ring instead of classifying; the cookie, chosen at
 * attach and known only to netifd and the program, keeps any other frame
 * with metadata from passing for one.
 */
struct netif_reinject_meta {
	__u32 magic;  /* NETIF_REINJECT_MAGIC */
	__u32 cookie; /* netif_cfg.reinject_cookie */
};
#define NETIF_REINJECT_MAGIC 0x4e49524a /* "NIRJ" */

/* A record of reinject_ring: the frame's length, then the frame. */
struct netif_reinject_frame {
	__u32 len;
	__u8 data[NETIF_REINJECT_MAX_FRAME];
};

/* Header of an egress exception record in the "exc_ring" ring buffer. */
struct netif_exc_hdr {
	__u32 len;       /* length of the packet */
	__u32 flow_id;
	__u16 llink;
	__u8 reason;
	__u8 csum;       /* enum netif_exc_csum: the state of the L4 checksum */
	__u32 ifindex;
	/* NETIF_EXC_CSUM_PARTIAL: sum from csum_start to the end, store at +csum_offset */
	__u16 csum_start;  /* from the start of the frame */
	__u16 csum_offset;
	/*
	 * A GSO packet (several segments in one skb, split only after the
	 * egress hook): the payload size of each segment. netifd segments it.
	 */
	__u16 gso_size;
	__u8 flags;        /* NETIF_EXC_F_* */
	__u8 pad;
};

enum netif_exc_csum {
	NETIF_EXC_CSUM_DONE = 0,    /* the kernel says: nothing left to finish */
	NETIF_EXC_CSUM_PARTIAL = 1, /* the kernel says: unfinished (CHECKSUM_PARTIAL), here */
	NETIF_EXC_CSUM_UNKNOWN = 2, /* no kfunc to ask (before 6.2): netifd judges the frame */
};

/*
 * Value of the single-entry "agent_alive" array (tc/liveness.bpf.h): the
 * agent's heartbeat, CLOCK_MONOTONIC (bpf_ktime_get_ns), stored every tick
 * while it takes egress exceptions; older than stale_ns, or 0, means no
 * agent, and egress packets go on without it.
 */
struct netif_liveness {
	__u64 heartbeat_ns;
	__u64 stale_ns;
};

#define NETIF_EXC_F_MIRROR (1U << 0) /* the original went on: observe, never transmit */

/*
 * Largest egress exception we copy: a GSO packet of the stack's default
 * maximum size (gso_max_size 65536). Copies up to NETIF_EXC_SCRATCH_FRAME
 * go through a per-CPU staging buffer and take exactly their size in the
 * ring; larger ones are reserved in the ring at 32 or 64 KiB.
 */
#define NETIF_EXC_MAX_FRAME 65536
#define NETIF_EXC_SCRATCH_FRAME 16384
#define NETIF_EXC_RING_SIZE (16U << 20)

#endif /* NETIF_MAPS_H */
